"""The domain's enumerations, as plain data (no Django): one source for models, forms, the API,
the matching engine and the demo data. Each entry is (code, 中文, English).

Order matters where it is documented: sharing modes are stored as a bitmask, bit i = SHARING_MODES[i];
title levels are ordered from none (0) to 正高级 (4).
"""

from __future__ import annotations

REGIONS = (
    ("11", "北京", "Beijing"),
    ("12", "天津", "Tianjin"),
    ("13", "河北", "Hebei"),
)
REGION_NAMES_ZH = {code: zh for code, zh, _en in REGIONS}
REGION_OTHER = "00"
SHARING_REGIONS = ("11", "12")  # experts of Beijing and Tianjin serve Hebei demand
DEMAND_REGION = "13"

# 柔性引才: bit i of a mode mask is SHARING_MODES[i]. Append only; never reorder.
SHARING_MODES = (
    ("part_time", "兼职", "Part-time post"),
    ("consulting", "顾问咨询", "Consulting"),
    ("project", "项目合作", "Project cooperation"),
    ("secondment", "挂职交流", "Secondment"),
    ("short_visit", "短期服务", "Short visit"),
    ("remote", "远程指导", "Remote guidance"),
    ("team", "组团服务", "Team service"),
    ("multi_site", "多点执业", "Multi-site practice"),
    ("weekend_engineer", "周末工程师", "Weekend engineer"),
    ("seasonal", "候鸟式服务", "Seasonal service"),
    ("crowdsourcing", "项目众包", "Crowdsourced project"),
)
SHARING_MODE_CODES = tuple(code for code, _, _ in SHARING_MODES)
SHARING_MODE_BIT = {code: 1 << i for i, code in enumerate(SHARING_MODE_CODES)}
ALL_SHARING_MODES_MASK = (1 << len(SHARING_MODES)) - 1


def modes_to_mask(codes) -> int:
    """A set of mode codes as a bitmask; unknown codes raise KeyError."""
    mask = 0
    for code in codes:
        mask |= SHARING_MODE_BIT[code]
    return mask


def mask_to_modes(mask: int) -> list[str]:
    return [code for code in SHARING_MODE_CODES if mask & SHARING_MODE_BIT[code]]


# 职称 levels, ordered. 0 means "no title / not required".
TITLE_LEVELS = (
    ("none", "无职称", "None"),
    ("junior", "初级", "Junior"),
    ("intermediate", "中级", "Intermediate"),
    ("associate_senior", "副高级", "Associate senior"),
    ("senior", "正高级", "Senior"),
)
TITLE_LEVEL_RANK = {code: i for i, (code, _, _) in enumerate(TITLE_LEVELS)}

TITLE_SERIES = (
    ("engineering", "工程", "Engineering"),
    ("health", "卫生", "Health"),
    ("higher_education", "高等学校教师", "University teaching"),
    ("natural_science", "自然科学研究", "Natural science research"),
    ("social_science", "社会科学研究", "Social science research"),
    ("economics", "经济", "Economics"),
    ("accounting", "会计", "Accounting"),
    ("agriculture", "农业", "Agriculture"),
    ("school_teacher", "中小学教师", "School teaching"),
    ("law", "律师", "Law"),
    ("other", "其他", "Other"),
)

SKILL_LEVELS = (
    ("level1", "一级/高级技师", "Level 1 / senior technician"),
    ("level2", "二级/技师", "Level 2 / technician"),
    ("level3", "三级/高级工", "Level 3 / senior worker"),
    ("level4", "四级/中级工", "Level 4 / intermediate worker"),
    ("level5", "五级/初级工", "Level 5 / junior worker"),
)

TALENT_TEAMS = (
    ("party_government", "党政人才", "Party and government"),
    ("enterprise_management", "企业经营管理人才", "Enterprise management"),
    ("professional_technical", "专业技术人才", "Professional and technical"),
    ("high_skill", "高技能人才", "Highly skilled"),
    ("rural_practical", "农村实用人才", "Rural practical"),
    ("social_work", "社会工作人才", "Social work"),
)

MUTUAL_RECOGNITION_ITEMS = (
    ("qualification_certificate", "专业技术人员资格证书", "Professional qualification certificate"),
    ("title_certificate", "职称评审证书", "Title evaluation certificate"),
    ("continuing_education", "继续教育资格", "Continuing education"),
    ("hr_service_qualification", "人力资源服务从业资格", "HR service practitioner qualification"),
    ("social_insurance", "社会保险待遇资格", "Social insurance entitlement"),
)

ORGANISATION_TYPES = (
    ("enterprise", "企业", "Enterprise"),
    ("institution", "事业单位", "Public institution"),
    ("university", "高等院校", "University"),
    ("hospital", "医院", "Hospital"),
    ("institute", "科研院所", "Research institute"),
    ("park", "园区", "Industrial park"),
    ("government", "政府机关", "Government"),
)

DEMAND_KINDS = (
    ("technical_problem", "技术难题", "Technical problem"),
    ("project", "项目合作", "Project cooperation"),
    ("position", "岗位", "Position"),
    ("consultation", "咨询", "Consultation"),
    ("training", "培训", "Training"),
    ("open_challenge", "揭榜挂帅", "Open challenge"),
)

URGENCY = (
    ("normal", "一般", "Normal"),
    ("urgent", "紧急", "Urgent"),
    ("critical", "特急", "Critical"),
)

TALENT_TIERS = (
    ("A", "A类 顶尖人才", "A: top talent"),
    ("B", "B类 领军人才", "B: leading talent"),
    ("C", "C类 拔尖人才", "C: outstanding talent"),
    ("D", "D类 青年人才", "D: young talent"),
)

DEGREES = (
    ("associate", "专科", "Associate"),
    ("bachelor", "本科", "Bachelor"),
    ("master", "硕士", "Master"),
    ("doctor", "博士", "Doctor"),
)

SEEKING_STATUS = (
    ("seeking", "求职中", "Seeking"),
    ("open", "可考虑机会", "Open to offers"),
    ("employed", "已就业", "Employed"),
)

# The plan's six demonstration zones (六区) and the sub-regional partnerships, as groups of division codes.
# 雄安新区 has no code of its own: 容城县 + 安新县 + 雄县.
DIVISION_GROUPS = (
    ("xiongan", "雄安新区", "Xiong'an New Area", ("130629", "130632", "130638")),
    ("tongwulang", "通武廊", "Tongzhou-Wuqing-Langfang", ("110112", "120114", "131000")),
    ("tongbaotang", "通宝唐", "Tongzhou-Baodi-Tangshan", ("110112", "120115", "130200")),
    ("pingjisanxing", "平蓟三兴", "Pinggu-Jizhou-Sanhe-Xinglong", ("110117", "120119", "131082", "130822")),
)


def labels(table, lang: str = "zh") -> dict[str, str]:
    """code → label in 'zh' or 'en'."""
    index = 1 if lang == "zh" else 2
    return {row[0]: row[index] for row in table}
