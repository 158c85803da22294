"""Demo data: a realistic, reproducible (seeded) Jing-Jin-Ji region.

Two halves:

- :func:`generate` is pure: from a seed, a size and "today", it returns plain records (dataclasses of codes and
  texts) built from the reference CSVs of ``registry/reference/`` — no database. The same seed gives the same
  names, identifiers and codes (dates are relative to ``today``).
- :func:`write` loads them with ``bulk_create`` in batches (experts in the 100,000s load in a few minutes on
  PostgreSQL): personal numbers are encrypted and hashed once per value, many-to-many links go straight into the
  through tables, no model signal fires, and the audit gets **one summary ObjectChange per batch** of each
  model (``message`` = "演示数据批量生成", ``postchange_data`` = count, first and last id, seed) instead of
  one row per record. Every demo record carries ``source_partner="demo"`` so that ``seed_demo --reset`` can
  remove exactly them.

The experts are people of Beijing and Tianjin in the plan's focus industries (集成电路, 人工智能, 新能源汽车,
可再生能源, 高端装备, 生物医药, 现代物流, 节能环保, 现代农业, 航空…). Each field names GB/T 4754 groups and NSFC
codes; records pick concrete codes from the reference tables under them, so an expert's industries, disciplines,
skills and profile texts agree.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from . import domain, identifiers
from .reference import read_rows

DEMO_PARTNER = "demo"

# ---------------------------------------------------------------------------------------------
# The fields of expertise (专业方向): industry groups (GB/T 4754 中类), NSFC codes, occupations (大典 小类),
# skills, research topics, Hebei cities where the demand sits, and demand problems.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    name: str
    zone: str
    industry_groups: tuple[str, ...]
    disciplines: tuple[str, ...]
    occupations: tuple[str, ...]
    skills: tuple[str, ...]
    topics: tuple[str, ...]
    problems: tuple[str, ...]
    cities: tuple[str, ...]
    majors: tuple[str, ...]
    series: str = "engineering"
    org_words: tuple[str, ...] = ("科技",)


FIELDS: tuple[Field, ...] = (
    Field(
        "ic", "集成电路", "中部核心功能区", ("652", "397", "398"), ("F0402", "F0406", "F0404", "F0401"), ("2-02-09",),
        ("芯片设计", "模拟电路", "EDA", "晶圆制造", "先进封装", "可靠性测试", "功率器件", "SiC"),
        ("高可靠功率半导体器件", "车规级芯片设计与验证", "先进封装与三维集成", "第三代半导体材料外延", "集成电路可测性设计"),
        ("功率模块封装良率提升", "车规级MCU可靠性验证", "碳化硅外延片缺陷控制", "芯片测试产线自动化改造", "国产EDA工具链适配"),
        ("130100", "131000", "130600", "130200"), ("微电子科学与工程", "集成电路设计与集成系统", "电子科学与技术"), org_words=("半导体", "微电子", "芯"),
    ),
    Field(
        "ai", "人工智能与软件", "雄安新区", ("651", "653", "642", "645"), ("F0205", "F0305", "F0202", "F0304", "F0206"), ("2-02-38", "2-02-10"),
        ("机器学习", "计算机视觉", "自然语言处理", "大数据", "云计算", "工业互联网", "知识图谱", "Python"),
        ("工业视觉检测", "大模型行业应用", "城市数字孪生", "智能制造数据平台", "政务数据治理"),
        ("钢铁表面缺陷视觉检测系统", "智慧园区数字孪生平台建设", "企业数据中台规划与实施", "大模型在客服场景的落地", "工业设备预测性维护算法"),
        ("130600", "130100", "131000", "130200"), ("计算机科学与技术", "软件工程", "人工智能", "数据科学与大数据技术"), org_words=("智能", "数据", "信息"),
    ),
    Field(
        "telecom", "通信与物联网", "东部滨海发展区", ("392", "653", "631"), ("F0104", "F0105", "F0109", "F0118", "F0123"), ("2-02-10",),
        ("5G", "物联网", "光通信", "嵌入式", "传感器", "无线网络优化"),
        ("5G行业专网", "低功耗物联网终端", "光纤传感与监测", "车联网通信"),
        ("5G专网在港口的部署方案", "物联网传感终端低功耗设计", "光纤传感管网监测", "车路协同通信测试"),
        ("130200", "130300", "131000", "130900"), ("通信工程", "物联网工程", "电子信息工程"), org_words=("通信", "物联", "信息"),
    ),
    Field(
        "nev", "新能源汽车", "东部滨海发展区", ("361", "365", "367", "384"), ("E0712", "E0706", "E0703", "E0502"), ("2-02-07", "2-02-11"),
        ("动力电池", "电池管理系统", "电驱动", "整车控制", "热管理", "轻量化", "氢燃料电池"),
        ("动力电池安全与寿命", "电驱动系统集成", "整车热管理", "燃料电池电堆"),
        ("动力电池包热失控防护设计", "电驱动总成NVH优化", "整车控制器功能安全认证", "燃料电池汽车示范运营技术支持", "轻量化车身铝合金连接工艺"),
        ("130600", "130900", "130100", "130200"), ("车辆工程", "新能源汽车工程", "能源与动力工程"), org_words=("汽车", "新能源", "动力"),
    ),
    Field(
        "renewable", "可再生能源", "西北部生态涵养区", ("441", "382", "381"), ("E0607", "E0704", "E0706", "E0705"), ("2-02-12", "2-02-11"),
        ("风电", "光伏", "电网调度", "新能源并网", "电力电子", "微电网"),
        ("风光储一体化", "新能源并网与调度", "高比例可再生能源电网", "光伏电站运维"),
        ("风光储一体化电站能量管理", "光伏电站智能运维", "新能源并网稳定性分析", "分布式能源微电网设计"),
        ("130700", "130800", "130200", "130100"), ("电气工程及其自动化", "新能源科学与工程", "能源与动力工程"), org_words=("新能源", "绿电", "风电", "光伏"),
    ),
    Field(
        "storage", "储能与氢能", "西北部生态涵养区", ("384", "451", "452"), ("E0712", "B0609", "E0604"), ("2-02-12", "2-02-06"),
        ("储能系统", "氢能", "电解水制氢", "储氢", "液流电池", "能量管理"),
        ("大规模储能", "可再生能源制氢", "氢储运安全", "电化学储能"),
        ("电化学储能电站安全评估", "碱性电解水制氢系统优化", "加氢站安全运行管理", "液流电池储能示范项目"),
        ("130700", "130200", "130900", "130400"), ("储能科学与工程", "化学工程与工艺", "新能源科学与工程"), org_words=("储能", "氢能", "能源"),
    ),
    Field(
        "equipment", "高端装备与智能制造", "东部滨海发展区", ("342", "343", "349", "356", "344"), ("E0510", "E0501", "F0306", "E0509", "E0511"), ("2-02-07",),
        ("数控机床", "工业机器人", "智能产线", "精密加工", "PLC", "数字化车间", "液压"),
        ("智能制造系统", "工业机器人应用", "精密数控加工", "装备故障诊断"),
        ("焊接机器人工作站集成", "数字化车间改造规划", "精密零件加工工艺优化", "大型装备远程运维平台", "液压系统故障诊断"),
        ("130200", "130900", "130400", "130600", "130500"), ("机械设计制造及其自动化", "机器人工程", "智能制造工程"), org_words=("装备", "智造", "机械", "重工"),
    ),
    Field(
        "materials", "钢铁与新材料", "东部滨海发展区", ("312", "313", "309", "265"), ("E0101", "E0111", "E0110", "E0106"), ("2-02-05",),
        ("冶金工艺", "特种钢", "表面处理", "腐蚀防护", "石墨烯", "复合材料"),
        ("高品质特殊钢", "钢铁低碳冶炼", "金属腐蚀与防护", "先进复合材料"),
        ("高强度汽车板工艺开发", "高炉低碳冶炼技术改造", "管线钢耐腐蚀性能提升", "石墨烯导热材料产业化"),
        ("130200", "130400", "130500", "130800"), ("材料科学与工程", "冶金工程", "金属材料工程"), org_words=("钢铁", "新材料", "金属"),
    ),
    Field(
        "pharma", "生物医药", "南部功能拓展区", ("271", "272", "276", "358"), ("H3001", "H3004", "H3008", "H3010", "C0701"), ("2-02-32", "2-05-06"),
        ("药物合成", "制剂工艺", "生物药", "GMP", "质量研究", "一致性评价", "医疗器械注册"),
        ("创新药物研发", "仿制药一致性评价", "生物药工艺开发", "药物质量控制"),
        ("仿制药一致性评价技术支持", "抗体药物细胞培养工艺放大", "原料药杂质研究", "医疗器械注册申报辅导", "GMP体系升级咨询"),
        ("130100", "130600", "130900", "131100"), ("药学", "生物制药", "制药工程"), org_words=("药业", "生物", "医药"),
    ),
    Field(
        "tcm", "中医药", "南部功能拓展区", ("273", "274", "017"), ("H2801", "H2806", "H2804", "H2703"), ("2-05-02", "2-05-06"),
        ("中药材种植", "中药炮制", "中药制剂", "质量标准", "道地药材"),
        ("道地药材规范化种植", "中药饮片质量标准", "中药新药开发"),
        ("道地药材规范化种植技术指导", "中药饮片质量标准提升", "经典名方制剂开发", "中药材溯源体系建设"),
        ("130600", "130800", "130500", "130100"), ("中药学", "中医学", "中药资源与开发"), org_words=("中药", "药材", "本草"),
    ),
    Field(
        "medicine", "临床医学", "通武廊", ("841",), ("H1612", "H1608", "H0206", "H0212", "H0901"), ("2-05-01",),
        ("肿瘤诊疗", "心血管介入", "微创外科", "医学影像", "临床路径", "重症医学"),
        ("肿瘤综合治疗", "冠心病介入治疗", "心力衰竭管理", "神经系统疾病诊疗"),
        ("县域肿瘤规范化诊疗能力提升", "胸痛中心建设指导", "心血管介入团队帮扶", "远程会诊平台建设", "重症医学科人才培养"),
        ("131000", "130600", "130700", "130800", "131100"), ("临床医学", "医学影像学", "护理学"), series="health", org_words=("医院",),
    ),
    Field(
        "logistics", "现代物流", "中部核心功能区", ("581", "582", "592", "593", "543"), ("G0212", "G0103", "G0118", "F0302"), ("2-02-15", "2-02-13"),
        ("供应链管理", "冷链物流", "仓储规划", "多式联运", "物流信息系统", "运筹优化"),
        ("智慧物流与供应链", "冷链物流标准化", "多式联运组织", "仓储自动化"),
        ("冷链仓储温控体系建设", "多式联运枢纽运营方案", "自动化立体仓库规划", "供应链数字化平台选型"),
        ("131000", "130100", "130200", "130900"), ("物流管理", "物流工程", "交通运输"), series="economics", org_words=("物流", "供应链", "储运"),
    ),
    Field(
        "green", "节能环保", "西北部生态涵养区", ("772", "771", "746", "359"), ("B0703", "B0611", "E0804", "E0603"), ("2-02-27",),
        ("大气污染治理", "污水处理", "固废资源化", "碳排放核算", "节能诊断", "环境监测"),
        ("工业节能与碳减排", "大气污染协同治理", "工业废水深度处理", "固废资源化利用"),
        ("钢铁企业超低排放改造", "园区碳排放核算与减排路径", "工业废水零排放技术", "冬奥场馆周边生态修复", "余热回收节能改造"),
        ("130700", "130200", "130400", "130100", "130600"), ("环境工程", "环境科学", "能源与动力工程"), org_words=("环保", "节能", "绿色"),
    ),
    Field(
        "agri", "现代农业", "南部功能拓展区", ("011", "014", "015", "031", "132"), ("C1304", "C1303", "C1504", "C1701", "C1507"), ("2-03-05", "2-03-02", "2-03-07"),
        ("作物育种", "设施农业", "节水灌溉", "畜禽养殖", "土壤改良", "农产品加工"),
        ("小麦玉米高产育种", "设施蔬菜栽培", "奶牛健康养殖", "盐碱地改良"),
        ("节水小麦品种选育与推广", "设施蔬菜病虫害绿色防控", "规模化奶牛场技术服务", "盐碱地综合改良示范"),
        ("131100", "130500", "130400", "130800", "130900"), ("农学", "园艺", "动物科学", "植物保护"), series="agriculture", org_words=("农业", "种业", "牧业"),
    ),
    Field(
        "aviation", "航空与临空经济", "中部核心功能区", ("374", "562", "563"), ("E0602", "A0203", "E0505", "F0303"), ("2-02-08", "2-02-16"),
        ("航空维修", "通用航空", "复合材料结构", "适航", "无人机", "航空电子"),
        ("通用航空器设计", "航空复合材料结构", "无人机系统", "临空物流"),
        ("通用航空器维修能力建设", "无人机巡检系统开发", "航空零部件适航取证咨询", "临空经济区物流规划"),
        ("131000", "130600", "130100"), ("飞行器设计与工程", "航空航天工程", "交通运输"), org_words=("航空", "通航", "空港"),
    ),
    Field(
        "techservice", "科技服务与技术转移", "南部功能拓展区", ("751", "752", "753", "724"), ("G0307", "G0203", "G0210", "G0302"), ("2-06-12", "2-06-07"),
        ("技术转移", "知识产权", "科技金融", "项目评估", "孵化器运营"),
        ("科技成果转化", "知识产权运营", "科技金融服务"),
        ("科技成果转化机制设计", "企业知识产权布局咨询", "孵化器运营管理提升", "科技型中小企业融资辅导"),
        ("130100", "130600", "131000", "130200"), ("工商管理", "知识产权", "技术经济及管理"), series="economics", org_words=("科技服务", "创新", "技术转移"),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}

# Employers of experts in Beijing and Tianjin: (name, org type, district code, fields they employ).
EMPLOYERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("清华大学", "university", "110108", ("ic", "ai", "nev", "renewable", "equipment", "materials", "green", "aviation", "techservice")),
    ("北京大学", "university", "110108", ("ic", "ai", "pharma", "medicine", "green", "techservice")),
    ("北京航空航天大学", "university", "110108", ("aviation", "equipment", "ai", "materials", "telecom")),
    ("北京理工大学", "university", "110108", ("nev", "equipment", "ai", "telecom", "materials")),
    ("北京科技大学", "university", "110108", ("materials", "equipment", "green")),
    ("北京化工大学", "university", "110105", ("storage", "materials", "pharma", "green")),
    ("北京工业大学", "university", "110105", ("ic", "equipment", "green", "ai")),
    ("北京交通大学", "university", "110108", ("logistics", "telecom", "renewable")),
    ("北京邮电大学", "university", "110108", ("telecom", "ai")),
    ("华北电力大学", "university", "110114", ("renewable", "storage", "green")),
    ("中国农业大学", "university", "110108", ("agri", "green")),
    ("北京中医药大学", "university", "110105", ("tcm",)),
    ("北京林业大学", "university", "110108", ("green", "agri")),
    ("首都医科大学", "university", "110106", ("medicine", "pharma")),
    ("中国科学院微电子研究所", "institute", "110108", ("ic",)),
    ("中国科学院计算技术研究所", "institute", "110108", ("ai", "ic")),
    ("中国科学院自动化研究所", "institute", "110108", ("ai", "equipment")),
    ("中国科学院电工研究所", "institute", "110108", ("renewable", "storage", "nev")),
    ("中国科学院过程工程研究所", "institute", "110108", ("green", "storage", "materials")),
    ("中国农业科学院作物科学研究所", "institute", "110108", ("agri",)),
    ("北京市农林科学院", "institute", "110108", ("agri",)),
    ("中国医学科学院药物研究所", "institute", "110105", ("pharma",)),
    ("中国中医科学院中药研究所", "institute", "110105", ("tcm",)),
    ("北京协和医院", "hospital", "110101", ("medicine",)),
    ("中国医学科学院肿瘤医院", "hospital", "110105", ("medicine",)),
    ("首都医科大学附属北京天坛医院", "hospital", "110106", ("medicine",)),
    ("首都医科大学附属北京安贞医院", "hospital", "110105", ("medicine",)),
    ("中国中医科学院西苑医院", "hospital", "110108", ("tcm", "medicine")),
    ("北京芯源微电子科技有限公司", "enterprise", "110115", ("ic",)),
    ("北京智图数科信息技术有限公司", "enterprise", "110108", ("ai", "telecom")),
    ("北京新能智行汽车科技有限公司", "enterprise", "110115", ("nev", "storage")),
    ("北京京能绿电工程技术有限公司", "enterprise", "110105", ("renewable", "green")),
    ("北京空港航空技术服务有限公司", "enterprise", "110113", ("aviation", "logistics")),
    ("北京中科知联技术转移有限公司", "enterprise", "110108", ("techservice",)),
    ("天津大学", "university", "120104", ("ic", "equipment", "storage", "green", "pharma", "materials", "ai", "nev")),
    ("南开大学", "university", "120104", ("pharma", "ai", "materials", "techservice")),
    ("河北工业大学", "university", "120113", ("equipment", "renewable", "materials", "ai")),
    ("天津医科大学", "university", "120101", ("medicine", "pharma")),
    ("天津工业大学", "university", "120111", ("materials", "equipment", "green")),
    ("天津科技大学", "university", "120116", ("pharma", "agri", "green")),
    ("天津理工大学", "university", "120111", ("ic", "telecom", "ai")),
    ("天津中医药大学", "university", "120118", ("tcm",)),
    ("中国民航大学", "university", "120110", ("aviation", "logistics")),
    ("天津农学院", "university", "120111", ("agri",)),
    ("中国科学院天津工业生物技术研究所", "institute", "120116", ("pharma", "agri")),
    ("中国汽车技术研究中心有限公司", "institute", "120110", ("nev",)),
    ("交通运输部天津水运工程科学研究院", "institute", "120116", ("logistics", "green")),
    ("天津市农业科学院", "institute", "120111", ("agri",)),
    ("天津医科大学肿瘤医院", "hospital", "120103", ("medicine",)),
    ("天津医科大学总医院", "hospital", "120101", ("medicine",)),
    ("天津市第一中心医院", "hospital", "120104", ("medicine",)),
    ("天津滨海智造装备有限公司", "enterprise", "120116", ("equipment", "materials")),
    ("天津港联物流科技有限公司", "enterprise", "120116", ("logistics",)),
    ("天津津药生物科技有限公司", "enterprise", "120116", ("pharma",)),
    ("天津绿碳环保科技有限公司", "enterprise", "120114", ("green", "storage")),
    ("天津海河新能源科技有限公司", "enterprise", "120112", ("renewable", "storage", "nev")),
)

# Universities whose graduates are in the graduate database (name, division).
SCHOOLS: tuple[tuple[str, str], ...] = (
    ("清华大学", "110108"), ("北京大学", "110108"), ("北京理工大学", "110108"), ("北京科技大学", "110108"), ("北京化工大学", "110105"),
    ("北京工业大学", "110105"), ("北京交通大学", "110108"), ("北京邮电大学", "110108"), ("华北电力大学", "110114"), ("中国农业大学", "110108"),
    ("北京中医药大学", "110105"), ("首都医科大学", "110106"), ("天津大学", "120104"), ("南开大学", "120104"), ("河北工业大学", "120113"),
    ("天津医科大学", "120101"), ("天津工业大学", "120111"), ("天津科技大学", "120116"), ("天津理工大学", "120111"), ("中国民航大学", "120110"),
    ("河北大学", "130600"), ("燕山大学", "130300"), ("河北科技大学", "130100"), ("河北医科大学", "130100"), ("河北农业大学", "130600"),
    ("华北理工大学", "130200"), ("石家庄铁道大学", "130100"), ("河北师范大学", "130100"), ("河北经贸大学", "130100"), ("河北工程大学", "130400"),
)

# Common surnames with rough relative frequencies (per mille of the population, rounded), and a few compound ones.
SURNAME_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 54), ("陈", 45), ("杨", 32), ("赵", 24), ("黄", 22), ("周", 21), ("吴", 21),
    ("徐", 17), ("孙", 16), ("胡", 13), ("朱", 13), ("高", 13), ("林", 12), ("何", 12), ("郭", 12), ("马", 12), ("罗", 9),
    ("梁", 9), ("宋", 8), ("郑", 8), ("谢", 7), ("韩", 7), ("唐", 7), ("冯", 7), ("于", 7), ("董", 7), ("萧", 2), ("程", 6),
    ("曹", 6), ("袁", 6), ("邓", 6), ("许", 6), ("傅", 5), ("沈", 5), ("曾", 5), ("彭", 5), ("吕", 5), ("苏", 5), ("卢", 5),
    ("蒋", 5), ("蔡", 5), ("贾", 5), ("丁", 5), ("魏", 5), ("薛", 4), ("叶", 4), ("阎", 2), ("闫", 3), ("余", 4), ("潘", 4),
    ("杜", 4), ("戴", 4), ("夏", 4), ("钟", 4), ("汪", 4), ("田", 4), ("任", 4), ("姜", 4), ("范", 4), ("方", 4), ("石", 4),
    ("姚", 4), ("谭", 3), ("廖", 3), ("邹", 3), ("熊", 3), ("金", 3), ("陆", 3), ("郝", 3), ("孔", 3), ("白", 3), ("崔", 3),
    ("康", 3), ("毛", 3), ("邱", 3), ("秦", 3), ("江", 3), ("史", 3), ("顾", 3), ("侯", 3), ("邵", 3), ("孟", 3), ("龙", 3),
    ("万", 3), ("段", 3), ("雷", 3), ("钱", 2), ("汤", 2), ("尹", 2), ("黎", 2), ("易", 2), ("常", 2), ("武", 2), ("乔", 2),
    ("贺", 2), ("赖", 2), ("龚", 2), ("文", 2), ("庞", 2), ("樊", 2), ("兰", 2), ("殷", 2), ("施", 2), ("陶", 2), ("洪", 2),
    ("翟", 2), ("安", 2), ("颜", 2), ("倪", 2), ("严", 2), ("牛", 2), ("温", 2), ("芦", 1), ("季", 1), ("俞", 1), ("章", 1),
    ("鲁", 1), ("葛", 1), ("伍", 1), ("韦", 1), ("申", 1), ("尤", 1), ("毕", 1), ("聂", 1), ("焦", 1), ("向", 1), ("柳", 1),
    ("邢", 1), ("路", 1), ("岳", 1), ("齐", 1), ("梅", 1), ("莫", 1), ("庄", 1), ("辛", 1), ("管", 1), ("祝", 1), ("左", 1),
    ("涂", 1), ("谷", 1), ("祁", 1), ("时", 1), ("舒", 1), ("耿", 1), ("牟", 1), ("卜", 1), ("欧阳", 1), ("司马", 1), ("上官", 1),
)
_SURNAMES = tuple(s for s, _ in SURNAME_WEIGHTS)
_SURNAME_CUM = tuple(itertools.accumulate(w for _, w in SURNAME_WEIGHTS))
GIVEN_MALE = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
GIVEN_FEMALE = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红玲芬芳燕彩春菊兰凤洁梅琳素云莲真雪荣爱霞香月媛艳瑞佳嘉琼珍莉桂璐娅琦晶妍茜秋珊莎锦青倩婷婉娴瑾颖露瑶怡雁蓓仪荷丹蓉君琴蕊薇菁梦岚婕馨琰韵咏卿澜纯悦昭冰爽茗羽希宁欣滢筠柔晓欢枫芸菲伊亚宜舒丽阳妮晴睿雯萱彦宇雨曼紫逸蝶菡"
BIRTHPLACE_PREFIXES = ("110105", "110108", "110102", "120104", "120103", "130102", "130602", "130203", "130402", "130503", "131002",
                       "370102", "370202", "410105", "140105", "210102", "220102", "230103", "320102", "340104", "420102", "430102", "610103", "150102")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158",
                   "159", "166", "171", "173", "175", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199")
BRAND_CHARS = "华瑞恒泰鼎盛中科信诚博远宏达正源天元金瑞卓越安康冀北燕赵太行渤海长城海河京冀蓝天启明创新联合新锐汇智致远"
HEBEI_PREFECTURES = ("130100", "130200", "130300", "130400", "130500", "130600", "130700", "130800", "130900", "131000", "131100")

TITLE_BY_SERIES = {
    # series → {level: (position titles)}
    "higher_education": {"senior": ("教授", "教授、博士生导师"), "associate_senior": ("副教授",), "intermediate": ("讲师",), "junior": ("助教",)},
    "natural_science": {"senior": ("研究员",), "associate_senior": ("副研究员",), "intermediate": ("助理研究员",), "junior": ("研究实习员",)},
    "health": {"senior": ("主任医师",), "associate_senior": ("副主任医师",), "intermediate": ("主治医师",), "junior": ("医师",)},
    "engineering": {"senior": ("正高级工程师", "总工程师"), "associate_senior": ("高级工程师",), "intermediate": ("工程师",), "junior": ("助理工程师",)},
    "economics": {"senior": ("正高级经济师",), "associate_senior": ("高级经济师",), "intermediate": ("经济师",), "junior": ("助理经济师",)},
    "agriculture": {"senior": ("农业技术推广研究员",), "associate_senior": ("高级农艺师",), "intermediate": ("农艺师",), "junior": ("助理农艺师",)},
}
SERIES_BY_ORG_TYPE = {"university": "higher_education", "institute": "natural_science", "hospital": "health"}

PROGRAMMES = (
    # (tier, programme, share)
    ("A", "中国科学院院士", 1), ("A", "中国工程院院士", 1),
    ("B", "国家杰出青年科学基金获得者", 3), ("B", "长江学者特聘教授", 3), ("B", "京津冀共同认定领军人才", 5),
    ("C", "国家“万人计划”科技创新领军人才", 3), ("C", "享受国务院政府特殊津贴专家", 4), ("C", "河北省“巨人计划”创新团队领军人才", 2),
    ("C", "天津市“海河英才”高层次人才", 2), ("D", "国家优秀青年科学基金获得者", 3), ("D", "京津冀共同认定青年拔尖人才", 4),
)


# ---------------------------------------------------------------------------------------------
# Generated records (plain data, no Django)
# ---------------------------------------------------------------------------------------------


@dataclass
class DemoOrg:
    key: str
    name: str
    credit_code: str
    org_type: str
    division: str
    industry: str | None
    fields: tuple[str, ...] = ()
    contact_name: str = ""
    contact_phone: str = ""
    description: str = ""
    verified: bool = True


@dataclass
class DemoPerson:
    name: str
    id_number: str
    mobile: str
    gender: str
    birth_year: int
    email: str = ""


@dataclass
class DemoExpert:
    person: int  # index into DemoData.persons
    employer: str  # DemoOrg.key
    employer_name: str
    home_division: str
    field: str
    title_series: str
    title_level: str
    position: str
    disciplines: list[str]
    industries: list[str]
    skills: list[str]
    research_areas: str
    achievements: str
    sharing_modes: list[str]
    serves_all_hebei: bool
    served_cities: list[str]
    max_engagements: int
    days_per_month: int
    available_from: dt.date | None
    available_until: dt.date | None
    status: str
    consent: bool
    talent_team: str = "professional_technical"


@dataclass
class DemoDemand:
    organisation: str
    kind: str
    title: str
    description: str
    industry: str
    disciplines: list[str]
    occupation: str | None
    required_skills: list[str]
    min_title_level: str
    sharing_modes: list[str]
    city: str
    period_start: dt.date
    period_end: dt.date
    headcount: int
    budget_min: Decimal | None
    budget_max: Decimal | None
    urgency: str
    challenge_reward: Decimal | None
    challenge_deadline: dt.date | None
    status: str
    expires_at: dt.date | None


@dataclass
class DemoGraduate:
    person: int
    school: str
    school_division: str
    degree: str
    major: str
    major_discipline: str
    graduation_year: int
    preferred_cities: list[str]
    intended_industries: list[str]
    intended_occupations: list[str]
    job_intentions: str
    seeking_status: str
    status: str
    consent: bool


@dataclass
class DemoTalent:
    person: int
    tier: str
    programme: str
    recognised_on: dt.date
    field: str | None
    industry: str | None
    employer_name: str
    home_division: str
    status: str


@dataclass
class DemoData:
    seed: int
    today: dt.date
    organisations: list[DemoOrg] = field(default_factory=list)
    persons: list[DemoPerson] = field(default_factory=list)
    experts: list[DemoExpert] = field(default_factory=list)
    demands: list[DemoDemand] = field(default_factory=list)
    graduates: list[DemoGraduate] = field(default_factory=list)
    talents: list[DemoTalent] = field(default_factory=list)


class ReferenceCodes:
    """The reference tables as code lists, read from the shipped CSVs (no database)."""

    def __init__(self):
        industries = read_rows("gbt4754_2017_industries.csv")
        self.industry_names = {r["code"]: r["name"] for r in industries}
        self.industry_classes: dict[str, list[str]] = defaultdict(list)
        for r in industries:
            if r["level"] == "class":
                self.industry_classes[r["parent_code"]].append(r["code"])
        disciplines = read_rows("nsfc_disciplines.csv")
        self.discipline_names = {r["code"]: r["name"] for r in disciplines}
        occupations = read_rows("occupations_2022.csv")
        self.occupation_leaves: dict[str, list[str]] = defaultdict(list)
        self.occupation_codes = {r["code"] for r in occupations}
        for r in occupations:
            if r["level"] == "4":
                self.occupation_leaves[r["parent_code"]].append(r["code"])
        divisions = read_rows("jjj_divisions.csv")
        self.division_names = {r["code"]: r["name"] for r in divisions}
        self.counties: dict[str, list[str]] = defaultdict(list)
        for r in divisions:
            if r["level"] == "county":
                self.counties[r["parent_code"]].append(r["code"])

    def check(self) -> list[str]:
        """Codes named in FIELDS / EMPLOYERS / SCHOOLS that the reference tables do not have (should be none)."""
        missing = []
        for f in FIELDS:
            missing += [f"{f.key}: industry group {g}" for g in f.industry_groups if not self.industry_classes.get(g)]
            missing += [f"{f.key}: discipline {d}" for d in f.disciplines if d not in self.discipline_names]
            missing += [f"{f.key}: occupation {o}" for o in f.occupations if o not in self.occupation_codes]
            missing += [f"{f.key}: city {c}" for c in f.cities if c not in self.division_names]
        missing += [f"employer {n}: division {d}" for n, _, d, _ in EMPLOYERS if d not in self.division_names]
        missing += [f"school {n}: division {d}" for n, d in SCHOOLS if d not in self.division_names]
        return missing


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, seed: int, today: dt.date, ref: ReferenceCodes | None = None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today
        self.ref = ref or ReferenceCodes()
        missing = self.ref.check()
        if missing:
            raise ValueError("demo tables name codes missing from the reference data: " + "; ".join(missing))
        self.id_numbers: set[str] = set()
        self.mobiles: set[str] = set()
        self.credit_codes: set[str] = set()
        self.data = DemoData(seed=seed, today=today)

    # --- identifiers ---
    def id_number(self, *, birth: dt.date, gender: str, prefix: str | None = None) -> str:
        prefix = prefix or self.rng.choice(BIRTHPLACE_PREFIXES)
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if gender == "M" else 0)
            body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
            number = body + identifiers.id_number_check_char(body)
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                return number
            birth = birth + dt.timedelta(days=1)

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def credit_code(self, *, authority: str, division: str) -> str:
        alphabet = identifiers.CREDIT_ALPHABET
        while True:
            body = authority + division + "".join(self.rng.choice(alphabet) for _ in range(9))
            code = body + identifiers.credit_code_check_char(body)
            if code not in self.credit_codes:
                self.credit_codes.add(code)
                return code

    def name(self, gender: str) -> str:
        surname = self.rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]
        pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
        given = self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.72 else "")
        return surname + given

    def person(self, *, age_range: tuple[int, int], prefix: str | None = None, email_domain: str = "") -> int:
        gender = "M" if self.rng.random() < 0.64 else "F"
        age = self.rng.randint(*age_range)
        birth = dt.date(self.today.year - age, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
        name = self.name(gender)
        number = self.id_number(birth=birth, gender=gender, prefix=prefix)
        n = len(self.data.persons)
        email = f"demo{n:06d}@{email_domain}" if email_domain else ""
        self.data.persons.append(DemoPerson(name=name, id_number=number, mobile=self.mobile(), gender=gender, birth_year=birth.year, email=email))
        return n

    # --- picks ---
    def pick_classes(self, f: Field, k: int) -> list[str]:
        groups = self.rng.sample(f.industry_groups, min(k, len(f.industry_groups)))
        return [self.rng.choice(self.ref.industry_classes[g]) for g in groups]

    def pick_disciplines(self, f: Field, k: int) -> list[str]:
        return self.rng.sample(f.disciplines, min(k, len(f.disciplines)))

    def pick_modes(self, f: Field, *, k: int) -> list[str]:
        pool = ["consulting", "remote", "project", "short_visit", "part_time", "team", "weekend_engineer", "secondment", "crowdsourcing", "seasonal"]
        if f.key in ("medicine", "tcm"):
            pool = ["multi_site", "remote", "consulting", "short_visit", "team", "part_time"]
        weights = [10, 9, 8, 6, 5, 3, 3, 2, 1, 1][: len(pool)]
        chosen: set[str] = set()
        while len(chosen) < k:
            chosen.add(self.rng.choices(pool, weights=weights)[0])
        return [c for c in domain.SHARING_MODE_CODES if c in chosen]

    def weighted_city(self, f: Field) -> str:
        weights = [len(f.cities) - i + 1 for i in range(len(f.cities))]
        if self.rng.random() < 0.15:
            return self.rng.choice(HEBEI_PREFECTURES)
        return self.rng.choices(f.cities, weights=weights)[0]

    # --- organisations ---
    def employers(self):
        for i, (name, org_type, division, fields) in enumerate(EMPLOYERS):
            f = FIELD_BY_KEY[fields[0]]
            industry = {"university": "8341", "hospital": "8411", "institute": "7320" if f.key not in ("agri", "pharma", "tcm") else ("7330" if f.key == "agri" else "7340")}.get(
                org_type, self.rng.choice(self.ref.industry_classes[f.industry_groups[0]])
            )
            authority = "91" if org_type == "enterprise" else "12"
            self.data.organisations.append(DemoOrg(
                key=f"employer-{i}", name=name, credit_code=self.credit_code(authority=authority, division=division), org_type=org_type,
                division=division, industry=industry if industry in self.ref.industry_names else None, fields=fields,
                description=f"{name}，位于{self.ref.division_names[division]}，主要方向：{'、'.join(FIELD_BY_KEY[k].name for k in fields)}。",
            ))

    def hebei_organisations(self, n: int):
        for i in range(n):
            f = self.rng.choice(FIELDS)
            city = self.weighted_city(f)
            county = self.rng.choice(self.ref.counties[city]) if self.ref.counties.get(city) and self.rng.random() < 0.7 else city
            city_short = self.ref.division_names[city].removesuffix("市")
            roll = self.rng.random()
            if f.key == "medicine" or (f.key == "tcm" and roll < 0.3):
                org_type = "hospital"
                name = f"{city_short}市{'中医' if f.key == 'tcm' else self.rng.choice(['第一', '第二', '第三', '中心', '人民'])}医院"
                industry = "8411" if "8411" in self.ref.industry_names else None
            elif roll < 0.12:
                org_type = "institution"
                name = f"{city_short}市{f.name}{self.rng.choice(['研究院', '技术研究所', '工程技术中心'])}"
                industry = self.rng.choice(self.ref.industry_classes["732"])
            elif roll < 0.18:
                org_type = "park"
                cname = self.ref.division_names[county].removesuffix("市").removesuffix("县").removesuffix("区")
                name = f"{cname}{self.rng.choice(['经济开发区', '高新技术产业开发区', '产业园区'])}管理委员会"
                industry = None
            else:
                org_type = "enterprise"
                brand = self.rng.choice(BRAND_CHARS) + self.rng.choice(BRAND_CHARS)
                name = f"{city_short}{brand}{self.rng.choice(f.org_words)}{self.rng.choice(['科技有限公司', '股份有限公司', '集团有限公司', '有限公司'])}"
                industry = self.rng.choice(self.ref.industry_classes[self.rng.choice(f.industry_groups)])
            authority = {"enterprise": "91", "park": "11", "institution": "12", "hospital": "12"}[org_type]
            contact_gender = "M" if self.rng.random() < 0.5 else "F"
            self.data.organisations.append(DemoOrg(
                key=f"hebei-{i}", name=f"{name}" if org_type != "enterprise" or i < 10 else name, credit_code=self.credit_code(authority=authority, division=county),
                org_type=org_type, division=county, industry=industry, fields=(f.key,), contact_name=self.rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0] + ("先生" if contact_gender == "M" else "女士"),
                contact_phone=self.mobile(), description=f"{name}位于{self.ref.division_names[county]}，从事{f.name}相关业务，希望借助京津专家资源提升技术水平。",
                verified=self.rng.random() < 0.92,
            ))
        # names must stay distinct enough to tell apart; suffix repeated names with a number
        seen: dict[str, int] = defaultdict(int)
        for org in self.data.organisations:
            seen[org.name] += 1
            if seen[org.name] > 1:
                org.name = f"{org.name}（{seen[org.name]}）"

    # --- experts ---
    def experts(self, n: int):
        employers_by_field: dict[str, list[DemoOrg]] = defaultdict(list)
        for org in self.data.organisations:
            if org.key.startswith("employer-"):
                for k in org.fields:
                    employers_by_field[k].append(org)
        level_weights = (("senior", 34), ("associate_senior", 40), ("intermediate", 20), ("none", 6))
        for i in range(n):
            f = self.rng.choice(FIELDS)
            employer = self.rng.choice(employers_by_field[f.key])
            level = self.rng.choices([lvl for lvl, _ in level_weights], weights=[w for _, w in level_weights])[0]
            series = SERIES_BY_ORG_TYPE.get(employer.org_type, f.series)
            age = {"senior": (45, 68), "associate_senior": (36, 60), "intermediate": (29, 45), "none": (28, 62)}[level]
            person = self.person(age_range=age, prefix=employer.division if self.rng.random() < 0.4 else None)
            positions = TITLE_BY_SERIES.get(series, TITLE_BY_SERIES["engineering"])
            position = self.rng.choice(positions[level]) if level in positions else self.rng.choice(["技术总监", "首席专家", "项目经理"])
            title_series = series if level != "none" else ""
            disciplines = self.pick_disciplines(f, self.rng.randint(1, 3))
            industries = self.pick_classes(f, self.rng.randint(1, 3))
            skills = self.rng.sample(f.skills, self.rng.randint(3, min(6, len(f.skills))))
            topics = self.rng.sample(f.topics, min(2, len(f.topics)))
            serves_all = self.rng.random() < 0.3
            cities = [] if serves_all else sorted({self.weighted_city(f) for _ in range(self.rng.randint(1, 4))})
            modes = self.pick_modes(f, k=self.rng.randint(2, 5))
            start = self.today - dt.timedelta(days=self.rng.randrange(0, 365)) if self.rng.random() < 0.7 else None
            until = (self.today + dt.timedelta(days=self.rng.randrange(180, 1460))) if self.rng.random() < 0.6 else None
            status = self.rng.choices(["verified", "submitted", "suspended", "draft"], weights=[86, 9, 3, 2])[0]
            disc_names = "、".join(self.ref.discipline_names[d] for d in disciplines)
            projects, papers, patents = self.rng.randint(1, 8), self.rng.randint(5, 120), self.rng.randint(0, 40)
            achievements = (
                f"长期从事{topics[0]}研究与应用，主持国家及省部级项目{projects}项，发表论文{papers}篇，授权发明专利{patents}项。"
                + (f"成果已在{self.ref.division_names[cities[0]]}等地企业转化应用。" if cities else "曾多次赴河北开展技术服务。")
            )
            self.data.experts.append(DemoExpert(
                person=person, employer=employer.key, employer_name=employer.name, home_division=employer.division, field=f.key,
                title_series=title_series, title_level=level, position=position, disciplines=disciplines, industries=industries,
                skills=skills, research_areas=f"{'；'.join(topics)}（{disc_names}）", achievements=achievements, sharing_modes=modes,
                serves_all_hebei=serves_all, served_cities=cities, max_engagements=self.rng.randint(1, 5), days_per_month=self.rng.randint(2, 10),
                available_from=start, available_until=until if (until and (start is None or until >= start)) else None, status=status,
                consent=self.rng.random() < 0.95,
                talent_team="enterprise_management" if employer.org_type == "enterprise" and self.rng.random() < 0.3 else "professional_technical",
            ))

    # --- demand ---
    def demands(self, n: int):
        hebei = [o for o in self.data.organisations if o.key.startswith("hebei-")]
        kinds = [("technical_problem", 30), ("project", 22), ("consultation", 16), ("position", 12), ("training", 8), ("open_challenge", 12)]
        for i in range(n):
            org = hebei[i % len(hebei)] if i < len(hebei) else self.rng.choice(hebei)
            f = FIELD_BY_KEY[org.fields[0]]
            kind = self.rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
            problem = self.rng.choice(f.problems)
            skills = self.rng.sample(f.skills, self.rng.randint(2, min(4, len(f.skills))))
            modes = self.pick_modes(f, k=self.rng.randint(2, 4))
            start = self.today + dt.timedelta(days=self.rng.randrange(-60, 90))
            end = start + dt.timedelta(days=self.rng.randrange(90, 720))
            budget_min = Decimal(self.rng.choice([2, 5, 10, 20, 30, 50, 80])) if self.rng.random() < 0.8 else None
            budget_max = budget_min * self.rng.choice([2, 3, 5]) if budget_min is not None else None
            prefix = {"technical_problem": "", "project": "合作项目：", "consultation": "咨询：", "position": "柔性岗位：", "training": "培训：", "open_challenge": "揭榜挂帅："}[kind]
            title = f"{prefix}{problem}"
            reward = deadline = None
            if kind == "open_challenge":
                reward = Decimal(self.rng.choice([50, 100, 200, 300, 500]))
                deadline = start + dt.timedelta(days=self.rng.randrange(30, 120))
                deadline = min(deadline, end)
            status = "published" if org.verified and self.rng.random() < 0.8 else self.rng.choice(["submitted", "draft"])
            if status == "published" and end < self.today:
                status = "expired"
            disc = self.pick_disciplines(f, self.rng.randint(1, 2))
            occupation = None
            if kind == "position" and self.ref.occupation_leaves.get(f.occupations[0]):
                occupation = self.rng.choice(self.ref.occupation_leaves[f.occupations[0]])
            description = (
                f"{org.name}在“{problem}”方面遇到技术瓶颈，需要具备{'、'.join(skills)}经验的京津专家"
                f"以{'、'.join(domain.labels(domain.SHARING_MODES)[m] for m in modes)}方式合作，"
                f"期望在{(end - start).days // 30}个月内形成可落地的解决方案并培养本地技术骨干。"
            )
            if kind == "open_challenge":
                description += f"本需求以“揭榜挂帅”方式发布，揭榜奖金{reward}万元，揭榜截止日期{deadline}。"
            self.data.demands.append(DemoDemand(
                organisation=org.key, kind=kind, title=title, description=description, industry=self.rng.choice(self.pick_classes(f, 1)),
                disciplines=disc, occupation=occupation, required_skills=skills,
                min_title_level=self.rng.choices(["none", "intermediate", "associate_senior", "senior"], weights=[15, 25, 40, 20])[0],
                sharing_modes=modes, city=org.division, period_start=start, period_end=end, headcount=self.rng.choices([1, 2, 3, 5], weights=[50, 30, 15, 5])[0],
                budget_min=budget_min, budget_max=budget_max, urgency=self.rng.choices(["normal", "urgent", "critical"], weights=[70, 24, 6])[0],
                challenge_reward=reward, challenge_deadline=deadline, status=status, expires_at=end,
            ))

    # --- graduates ---
    def graduates(self, n: int):
        for _ in range(n):
            f = self.rng.choice(FIELDS)
            school, school_div = self.rng.choice(SCHOOLS)
            degree = self.rng.choices(["bachelor", "master", "doctor", "associate"], weights=[50, 35, 8, 7])[0]
            age = {"associate": (20, 23), "bachelor": (21, 24), "master": (24, 27), "doctor": (27, 32)}[degree]
            person = self.person(age_range=age, email_domain="stu.demo.jjjtalent.cn")
            cities = sorted({self.weighted_city(f) for _ in range(self.rng.randint(1, 3))})
            occupations = [self.rng.choice(self.ref.occupation_leaves[o]) for o in f.occupations if self.ref.occupation_leaves.get(o)][:2]
            major = self.rng.choice(f.majors)
            self.data.graduates.append(DemoGraduate(
                person=person, school=school, school_division=school_div, degree=degree, major=major,
                major_discipline=self.rng.choice(f.disciplines), graduation_year=self.today.year + self.rng.randint(-2, 1),
                preferred_cities=cities, intended_industries=self.pick_classes(f, self.rng.randint(1, 2)), intended_occupations=occupations,
                job_intentions=f"希望到{self.ref.division_names[cities[0]]}从事{f.name}相关工作，关注{self.rng.choice(f.topics)}方向。",
                seeking_status=self.rng.choices(["seeking", "open", "employed"], weights=[70, 20, 10])[0],
                status=self.rng.choices(["verified", "submitted"], weights=[85, 15])[0], consent=self.rng.random() < 0.9,
            ))

    # --- high-level talent ---
    def talents(self, n: int):
        senior = [i for i, e in enumerate(self.data.experts) if e.title_level == "senior"]
        self.rng.shuffle(senior)
        programmes = [(t, p) for t, p, w in PROGRAMMES for _ in range(w)]
        hebei_orgs = [o for o in self.data.organisations if o.key.startswith("hebei-")] or self.data.organisations
        for i in range(n):
            tier, programme = self.rng.choice(programmes)
            recognised = self.today - dt.timedelta(days=self.rng.randrange(30, 365 * 12))
            status = self.rng.choices(["verified", "submitted"], weights=[90, 10])[0]
            if i % 2 == 0 and senior:  # half of the talent are also experts: the same natural person
                e = self.data.experts[senior.pop()]
                self.data.talents.append(DemoTalent(
                    person=e.person, tier=tier, programme=programme, recognised_on=recognised, field=e.disciplines[0], industry=e.industries[0],
                    employer_name=e.employer_name, home_division=e.home_division, status=status,
                ))
                continue
            f = self.rng.choice(FIELDS)
            hebei_org = self.rng.choice(hebei_orgs)
            person = self.person(age_range=(32, 66))
            self.data.talents.append(DemoTalent(
                person=person, tier=tier, programme=programme, recognised_on=recognised, field=self.rng.choice(f.disciplines),
                industry=self.rng.choice(self.pick_classes(f, 1)), employer_name=hebei_org.name, home_division=hebei_org.division, status=status,
            ))


def default_sizes(experts: int, demands: int | None = None, graduates: int | None = None, talents: int | None = None) -> dict[str, int]:
    demands = max(1, experts // 5) if demands is None else demands
    return {
        "experts": experts,
        "demands": demands,
        "graduates": max(0, experts // 3) if graduates is None else graduates,
        "talents": max(0, experts // 10) if talents is None else talents,
        "organisations": max(12, demands // 4),
    }


def generate(*, experts: int = 300, demands: int | None = None, graduates: int | None = None, talents: int | None = None,
             seed: int = 2026, today: dt.date | None = None, ref: ReferenceCodes | None = None) -> DemoData:
    """The demo region as plain records. Pure: same arguments, same records."""
    sizes = default_sizes(experts, demands, graduates, talents)
    gen = Generator(seed=seed, today=today or dt.date.today(), ref=ref)
    gen.employers()
    gen.hebei_organisations(sizes["organisations"])
    gen.experts(sizes["experts"])
    gen.demands(sizes["demands"])
    gen.graduates(sizes["graduates"])
    gen.talents(sizes["talents"])
    return gen.data


# ---------------------------------------------------------------------------------------------
# Writing to the database (bulk, no per-row signals; one summary audit row per batch)
# ---------------------------------------------------------------------------------------------


def demo_present() -> bool:
    from .models import Organisation

    return Organisation.objects.filter(source_partner=DEMO_PARTNER).exists()


def _summary(model, ids, *, seed: int, action: str = "create", message: str = "演示数据批量生成"):
    """One ObjectChange for a batch of bulk-written records (the documented exception to one row per change)."""
    from django.contrib.contenttypes.models import ContentType

    from .context import current
    from .models import ObjectChange

    if not ids:
        return
    ctx = current()
    ObjectChange.objects.create(
        user=None, user_name="seed_demo", request_id=ctx.request_id if ctx else "", action=action,
        content_type=ContentType.objects.get_for_model(model), object_id=f"{min(ids)}-{max(ids)}",
        object_repr=f"{model._meta.verbose_name}×{len(ids)}"[:200],
        postchange_data={"count": len(ids), "first_id": min(ids), "last_id": max(ids), "seed": seed, "source_partner": DEMO_PARTNER},
        message=message,
    )


def _chunks(items, size):
    for i in range(0, len(items), size):
        yield i, items[i:i + size]


class RowWriter:
    """Inserts rows given as ``{attname: value}`` straight into a model's table: ``COPY`` on PostgreSQL,
    ``executemany`` elsewhere. No model instances, no signals. Values must already be what the column stores
    (encrypted text, mode masks, JSON-able lists); columns left out get the field's default (``auto_now`` fields:
    now), so a column added to a model later does not break the loader. Primary keys are allocated up front
    (``nextval`` on PostgreSQL, after ``MAX(id)`` elsewhere, inside the seeding transaction) and returned."""

    def __init__(self, connection, now):
        self.connection = connection
        self.now = now
        self.postgres = connection.vendor == "postgresql"

    def _adapt(self, value):
        import json

        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        if self.postgres or value is None or isinstance(value, (str, int, float)):
            return value if not isinstance(value, bool) or self.postgres else int(value)
        if isinstance(value, dt.datetime):
            return self.connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    def _ids(self, model, n: int) -> list[int]:
        pk = model._meta.pk.column
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, n])
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX({self.connection.ops.quote_name(pk)}), 0) FROM {self.connection.ops.quote_name(table)}")
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + n))

    def insert(self, model, rows: list[dict], *, with_ids: bool = True) -> list[int]:
        if not rows:
            return []
        given = list(rows[0])
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        unknown = [a for a in given if a not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {unknown}")
        constant = {}
        for attname, f in fields.items():
            if attname in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                constant[attname] = self._adapt(self.now)
            else:
                default = f.get_default()
                constant[attname] = self._adapt(default) if isinstance(default, (list, dict)) else f.get_db_prep_save(default, self.connection)
        attnames = given + list(constant)
        columns = [fields[a].column for a in attnames]
        ids = self._ids(model, len(rows)) if with_ids else []
        if with_ids:
            columns = [model._meta.pk.column, *columns]
        const_values = [constant[a] for a in constant]
        adapt = self._adapt
        qn = self.connection.ops.quote_name
        table = qn(model._meta.db_table)
        with self.connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {table} ({', '.join(qn(c) for c in columns)}) FROM STDIN") as copy:
                    for i, row in enumerate(rows):
                        values = [adapt(row[a]) for a in given] + const_values
                        copy.write_row([ids[i], *values] if with_ids else values)
            else:
                sql = f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
                cursor.executemany(sql, [
                    ([ids[i]] if with_ids else []) + [adapt(row[a]) for a in given] + const_values for i, row in enumerate(rows)
                ])
        return ids


def write(data: DemoData, *, batch_size: int = 5000, progress=None) -> dict[str, int]:
    """Bulk-load generated demo records in one transaction. Returns counts per table."""
    from django.db import connection, transaction
    from django.utils import timezone

    from . import crypto
    from .choices import ConsentScope, Source
    from .models import (
        Consent,
        Demand,
        Expert,
        Graduate,
        HighLevelTalent,
        Organisation,
        Person,
    )

    progress = progress or (lambda label, done, total: None)
    now = timezone.now()
    counts: dict[str, int] = {}
    seed = data.seed
    writer = RowWriter(connection, now)

    def bulk(model, rows, label):
        ids = []
        for start, chunk in _chunks(rows, batch_size):
            chunk_ids = writer.insert(model, chunk)
            _summary(model, chunk_ids, seed=seed)
            ids.extend(chunk_ids)
            progress(label, start + len(chunk), len(rows))
        counts[label] = len(ids)
        return ids

    def links(model, rows, label):
        for _, chunk in _chunks(rows, batch_size * 4):
            writer.insert(model, chunk, with_ids=False)
        counts[label] = len(rows)

    common = {"source": Source.IMPORT.value, "source_partner": DEMO_PARTNER}  # plain str: COPY would dump an Enum by name
    encrypt = crypto.encrypt

    def lifecycle(status):
        done = status in ("verified", "published", "expired")
        return {"status": status, "status_changed_at": now, "verified_at": now if done else None}

    with transaction.atomic():
        org_ids = bulk(Organisation, [
            {"name": o.name, "credit_code": o.credit_code, "org_type": o.org_type, "division_id": o.division, "industry_id": o.industry,
             "region": o.division[:2], "contact_name": o.contact_name, "contact_phone": encrypt(o.contact_phone) if o.contact_phone else "",
             "description": o.description, "status": "verified" if o.verified else "submitted", "verified_at": now if o.verified else None,
             "external_id": o.key, **common}
            for o in data.organisations
        ], "organisations")
        org_pk = {o.key: pk for o, pk in zip(data.organisations, org_ids)}

        person_pk = bulk(Person, [
            {"name": p.name, "gender": p.gender, "birth_year": p.birth_year, "id_number": encrypt(p.id_number), "id_hash": crypto.keyed_hash(p.id_number),
             "mobile": encrypt(p.mobile), "mobile_hash": crypto.keyed_hash(p.mobile), "email": p.email}
            for p in data.persons
        ], "persons")

        expert_ids = bulk(Expert, [
            {"person_id": person_pk[e.person], "employer_id": org_pk[e.employer], "employer_name": e.employer_name, "home_division_id": e.home_division,
             "region": e.home_division[:2], "outside_region": e.home_division[:2] not in domain.SHARING_REGIONS, "talent_team": e.talent_team,
             "title_series": e.title_series, "title_level": e.title_level, "title_rank": domain.TITLE_LEVEL_RANK[e.title_level], "position": e.position,
             "skills": e.skills, "research_areas": e.research_areas, "achievements": e.achievements, "sharing_modes": domain.modes_to_mask(e.sharing_modes),
             "serves_all_hebei": e.serves_all_hebei, "max_engagements": e.max_engagements, "days_per_month": e.days_per_month,
             "available_from": e.available_from, "available_until": e.available_until, "external_id": f"E{i:07d}", **lifecycle(e.status), **common}
            for i, e in enumerate(data.experts)
        ], "experts")
        links(Expert.disciplines.through, [{"expert_id": x, "discipline_id": c} for x, e in zip(expert_ids, data.experts) for c in e.disciplines], "expert_disciplines")
        links(Expert.industries.through, [{"expert_id": x, "industry_id": c} for x, e in zip(expert_ids, data.experts) for c in e.industries], "expert_industries")
        links(Expert.served_cities.through, [{"expert_id": x, "division_id": c} for x, e in zip(expert_ids, data.experts) for c in e.served_cities], "expert_served_cities")

        demand_ids = bulk(Demand, [
            {"organisation_id": org_pk[d.organisation], "kind": d.kind, "title": d.title, "description": d.description, "industry_id": d.industry,
             "occupation_id": d.occupation, "required_skills": d.required_skills, "min_title_level": d.min_title_level,
             "min_title_rank": domain.TITLE_LEVEL_RANK[d.min_title_level], "sharing_modes": domain.modes_to_mask(d.sharing_modes), "city_id": d.city,
             "region": d.city[:2], "period_start": d.period_start, "period_end": d.period_end, "headcount": d.headcount, "budget_min": d.budget_min,
             "budget_max": d.budget_max, "urgency": d.urgency, "challenge_reward": d.challenge_reward, "challenge_deadline": d.challenge_deadline,
             "expires_at": d.expires_at, "published_at": now if d.status in ("published", "expired") else None, "external_id": f"D{i:07d}",
             **lifecycle(d.status), **common}
            for i, d in enumerate(data.demands)
        ], "demands")
        links(Demand.disciplines.through, [{"demand_id": x, "discipline_id": c} for x, d in zip(demand_ids, data.demands) for c in d.disciplines], "demand_disciplines")

        graduate_ids = bulk(Graduate, [
            {"person_id": person_pk[g.person], "school": g.school, "school_division_id": g.school_division, "region": g.school_division[:2],
             "degree": g.degree, "major": g.major, "major_discipline_id": g.major_discipline, "graduation_year": g.graduation_year,
             "job_intentions": g.job_intentions, "seeking_status": g.seeking_status, "external_id": f"G{i:07d}", **lifecycle(g.status), **common}
            for i, g in enumerate(data.graduates)
        ], "graduates")
        links(Graduate.preferred_cities.through, [{"graduate_id": x, "division_id": c} for x, g in zip(graduate_ids, data.graduates) for c in g.preferred_cities], "graduate_cities")
        links(Graduate.intended_industries.through, [{"graduate_id": x, "industry_id": c} for x, g in zip(graduate_ids, data.graduates) for c in g.intended_industries], "graduate_industries")
        links(Graduate.intended_occupations.through, [{"graduate_id": x, "occupation_id": c} for x, g in zip(graduate_ids, data.graduates) for c in g.intended_occupations], "graduate_occupations")

        bulk(HighLevelTalent, [
            {"person_id": person_pk[t.person], "tier": t.tier, "programme": t.programme, "recognised_on": t.recognised_on, "field_id": t.field,
             "industry_id": t.industry, "employer_name": t.employer_name, "home_division_id": t.home_division, "region": t.home_division[:2],
             "external_id": f"T{i:07d}", **lifecycle(t.status), **common}
            for i, t in enumerate(data.talents)
        ], "talents")

        consenting = sorted({person_pk[e.person] for e in data.experts if e.consent} | {person_pk[g.person] for g in data.graduates if g.consent})
        # consenting experts also agree to the public expert directory, so the public pages show them
        listed = {person_pk[e.person] for e in data.experts if e.consent}
        bulk(Consent, [
            {"person_id": pk, "scope": str(scope), "channel": "import", "granted_at": now}
            for pk in consenting
            for scope in (ConsentScope.SHARE_WITH_ORGANISATIONS, ConsentScope.MATCHING, *((ConsentScope.PUBLIC_DIRECTORY,) if pk in listed else ()))
        ], "consents")
        analyze(Organisation, Person, Expert, Demand, Graduate, HighLevelTalent, Consent,
                Expert.disciplines.through, Expert.industries.through, Expert.served_cities.through, Demand.disciplines.through,
                Graduate.preferred_cities.through, Graduate.intended_industries.through, Graduate.intended_occupations.through)
    return counts


def analyze(*models) -> None:
    """Refresh the planner's statistics after a bulk load. Without it PostgreSQL keeps its empty-table estimates
    until autovacuum comes by, and picks plans such as a primary-key scan for a keyed-hash lookup (~100 ms a row)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def erase_demo(*, progress=None) -> dict[str, int]:
    """Remove every demo record (``source_partner="demo"``) and the demo accounts, in one transaction, without
    per-row signals; one summary ObjectChange per table. Refused (IntegrityError) if other records still refer
    to demo records (e.g. engagements): use a fresh database then."""
    from django.db import transaction

    from .models import (
        Consent,
        Demand,
        DuplicateCandidate,
        Expert,
        Graduate,
        HighLevelTalent,
        Organisation,
        OrganisationMembership,
        Person,
        User,
    )

    counts: dict[str, int] = {}

    def raw(qs, label):
        n = qs.count()
        qs._raw_delete(qs.db)
        counts[label] = n

    with transaction.atomic():
        experts = Expert.objects.filter(source_partner=DEMO_PARTNER)
        graduates = Graduate.objects.filter(source_partner=DEMO_PARTNER)
        demands = Demand.objects.filter(source_partner=DEMO_PARTNER)
        talents = HighLevelTalent.objects.filter(source_partner=DEMO_PARTNER)
        person_ids = set(experts.values_list("person_id", flat=True)) | set(graduates.values_list("person_id", flat=True)) | set(talents.values_list("person_id", flat=True))
        raw(Expert.disciplines.through.objects.filter(expert__in=experts), "expert_disciplines")
        raw(Expert.industries.through.objects.filter(expert__in=experts), "expert_industries")
        raw(Expert.served_cities.through.objects.filter(expert__in=experts), "expert_served_cities")
        raw(Demand.disciplines.through.objects.filter(demand__in=demands), "demand_disciplines")
        raw(Graduate.preferred_cities.through.objects.filter(graduate__in=graduates), "graduate_cities")
        raw(Graduate.intended_industries.through.objects.filter(graduate__in=graduates), "graduate_industries")
        raw(Graduate.intended_occupations.through.objects.filter(graduate__in=graduates), "graduate_occupations")
        for model, qs, label in ((Expert, experts, "experts"), (Graduate, graduates, "graduates"), (Demand, demands, "demands"), (HighLevelTalent, talents, "talents")):
            raw(qs, label)
        persons = Person.objects.filter(pk__in=person_ids)
        raw(Consent.objects.filter(person__in=persons), "consents")
        raw(DuplicateCandidate.objects.filter(existing__in=persons), "duplicates")
        raw(DuplicateCandidate.objects.filter(candidate__in=persons), "duplicates_candidate")
        # persons referenced by non-demo records stay
        persons = persons.exclude(expert__isnull=False).exclude(graduate__isnull=False).exclude(talent_recognitions__isnull=False)
        raw(persons, "persons")
        orgs = Organisation.objects.filter(source_partner=DEMO_PARTNER)
        raw(OrganisationMembership.objects.filter(organisation__in=orgs), "memberships")
        raw(orgs, "organisations")
        users = User.objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
        users.delete()
        from django.contrib.contenttypes.models import ContentType

        from .models import ObjectChange

        for label, model in (("experts", Expert), ("graduates", Graduate), ("demands", Demand), ("talents", HighLevelTalent), ("persons", Person), ("organisations", Organisation)):
            if counts.get(label):
                ObjectChange.objects.create(
                    user_name="seed_demo", action="delete", content_type=ContentType.objects.get_for_model(model), object_id="bulk",
                    object_repr=f"{model._meta.verbose_name}×{counts[label]}", prechange_data={"count": counts[label], "source_partner": DEMO_PARTNER},
                    message="演示数据重置",
                )
    return counts


# ---------------------------------------------------------------------------------------------
# Demo accounts (local demo only: the passwords are printed by the command)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    region: str = ""
    staff: bool = False
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin", "jjj-admin-2026", "超级管理员 superuser", superuser=True),
    DemoAccount("staff_bj", "jjj-staff-2026", "北京工作人员 Beijing staff", region="11", staff=True),
    DemoAccount("staff_tj", "jjj-staff-2026", "天津工作人员 Tianjin staff", region="12", staff=True),
    DemoAccount("staff_he", "jjj-staff-2026", "河北工作人员 Hebei staff", region="13", staff=True),
    DemoAccount("enterprise", "jjj-demo-2026", "河北用人单位成员 Hebei organisation member"),
    DemoAccount("expert", "jjj-demo-2026", "专家 expert"),
    DemoAccount("graduate", "jjj-demo-2026", "高校毕业生 graduate"),
)
STAFF_GROUP = "区域工作人员"
STAFF_MODELS_CHANGE = ("organisation", "expert", "graduate", "highleveltalent", "demand", "duplicatecandidate", "datarequest", "importjob")


def staff_group():
    """The group of region staff: view everything in the registry, add and change the records they manage (the
    region check is per object, on the server). Unmasked personal data is not included."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    perms = Permission.objects.filter(content_type__app_label="registry").exclude(codename="view_personal_data")
    wanted = [p for p in perms if p.codename.startswith("view_") or (p.codename.split("_", 1)[1] in STAFF_MODELS_CHANGE and not p.codename.startswith("delete_"))]
    group.permissions.set(wanted)
    return group


def create_accounts(*, password: str | None = None) -> list[tuple[DemoAccount, str]]:
    """The demo accounts, linked to demo records: the enterprise user joins a verified Hebei organisation, the expert
    and graduate users own a demo expert / graduate. Returns (account, password) pairs."""
    from .models import Expert, Graduate, Organisation, OrganisationMembership, User

    group = staff_group()
    made = []
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        pw = password or account.password
        if user is None:
            user = User(username=account.username, region=account.region, is_staff=account.staff or account.superuser, is_superuser=account.superuser,
                        email=f"{account.username}@demo.jjjtalent.cn")
            user.set_password(pw)
            user.save()
        if account.staff:
            user.groups.add(group)
        made.append((account, pw))
        if account.username == "enterprise":
            org = Organisation.objects.filter(source_partner=DEMO_PARTNER, region="13", status="verified", org_type="enterprise").order_by("pk").first()
            if org:
                OrganisationMembership.objects.get_or_create(organisation=org, user=user, defaults={"role": OrganisationMembership.Role.ADMIN})
        elif account.username in ("expert", "graduate"):
            model = Expert if account.username == "expert" else Graduate
            record = model.objects.filter(source_partner=DEMO_PARTNER, status="verified", person__user__isnull=True).select_related("person").order_by("pk").first()
            if record and not hasattr(user, "person"):
                record.person.user = user
                record.person.save(update_fields=["user"])
    return made
