"""The seeded 同事同标 catalogue: realistic items of the talent services the three regions agreed on, as data
(loaded by ``manage.py seed_services``). Names, materials and time limits follow the published
京津冀 同事同标 item lists and the usual 政务服务 practice; contact data are illustrative."""

from __future__ import annotations

import datetime as dt


def m(key, name, *, mandatory=True, formats=("pdf", "jpg", "png"), example="", notes=""):
    return {"key": key, "name": name, "mandatory": mandatory, "formats": list(formats), "example": example, "notes": notes}


ID_CARD = m("id_card", "居民身份证（正反面）", example="身份证正反面扫描件，信息清晰完整", notes="外籍人员提交有效护照")
FORM = lambda name: m("form", name, formats=("pdf", "ofd"), example=f"{name}（申请人签字）", notes="在线填写后下载签字上传")
PHOTO = m("photo", "近期免冠证件照", formats=("jpg", "png"), example="白底，358×441像素", notes="6个月内拍摄")
TALENT_PROOF = m("talent_proof", "高层次人才认定证明或京津冀人才卡", example="京津冀人才卡卡面或认定文件")

STEPS_STANDARD = [
    {"name": "申请", "description": "申请人在京津冀任一地线上提交或到窗口提交申请材料"},
    {"name": "受理", "description": "受理地对材料进行形式审查，材料齐全、符合法定形式的予以受理；材料不全的一次性告知补正"},
    {"name": "审查", "description": "办理地对申请进行实质审查"},
    {"name": "决定", "description": "办理地作出准予或不予办理的决定"},
    {"name": "送达", "description": "办理结果网上下载或邮寄送达"},
]
CRITERIA = "申请材料齐全、符合法定形式，申请人符合办理条件的，予以受理；材料不全或不符合法定形式的，一次性告知需补正的全部内容；不属于本事项受理范围的，不予受理并说明理由。"
ALL = ["online", "window", "mail"]
ONLINE_WINDOW = ["online", "window"]


def item(code, category, batch, published_on, name, *, materials, time_limit_days, legal_basis, conditions=(), fee="不收费",
         channels=ALL, steps=None, criteria=CRITERIA):
    return {
        "code": code, "category": category, "batch": batch, "published_on": dt.date.fromisoformat(published_on),
        "standard": {
            "name": name, "conditions": list(conditions), "materials": materials, "steps": steps or STEPS_STANDARD,
            "acceptance_criteria": criteria, "time_limit_days": time_limit_days, "legal_basis": legal_basis, "fee": fee, "channels": list(channels),
        },
    }


ITEMS = [
    item("JJJ-RC-001", "talent_card", 1, "2019-12-20", "京津冀人才卡申领",
         conditions=["经京津冀三地共同认定的高层次人才", "在京津冀区域内工作或服务"],
         materials=[ID_CARD, FORM("京津冀人才卡申领表"), TALENT_PROOF, PHOTO], time_limit_days=10,
         legal_basis="《京津冀人才一体化发展规划（2017—2030年）》重点工程12"),
    item("JJJ-RC-002", "talent_card", 1, "2019-12-20", "京津冀人才卡补换",
         conditions=["持有有效期内的京津冀人才卡", "卡片遗失、损坏或信息变更"],
         materials=[ID_CARD, FORM("京津冀人才卡补换申请表"), m("loss_statement", "遗失声明或损坏卡片照片", mandatory=False)], time_limit_days=5,
         legal_basis="《京津冀人才一体化发展规划（2017—2030年）》"),
    item("JJJ-ZC-001", "title", 1, "2017-06-15", "职称资格互认",
         conditions=["在京津冀任一地取得的职称资格", "申请在另一地使用或聘任"],
         materials=[ID_CARD, FORM("职称资格互认申请表"), m("title_certificate", "职称证书或职称评审结果文件", example="证书内页扫描件，含证书编号与发证机关"),
                    m("employment_proof", "现工作单位在职证明", mandatory=False, formats=("pdf", "ofd", "jpg"))],
         time_limit_days=15, legal_basis="《京津冀专业技术人员职称资格互认协议》（2016）"),
    item("JJJ-ZC-002", "title", 2, "2018-09-10", "专业技术人员资格证书互认",
         conditions=["在京津冀任一地取得的专业技术人员职业资格证书"],
         materials=[ID_CARD, FORM("专业技术人员资格证书互认申请表"), m("qualification_certificate", "专业技术人员职业资格证书")], time_limit_days=10,
         legal_basis="《京津冀专业技术人员职称资格互认协议》（2016）"),
    item("JJJ-ZC-003", "title", 2, "2018-09-10", "继续教育学时互认",
         materials=[ID_CARD, m("ce_record", "继续教育学时证明", formats=("pdf", "ofd", "xlsx"), example="继续教育管理系统导出的学时记录")],
         time_limit_days=5, legal_basis="《专业技术人员继续教育规定》（人社部令第25号）", channels=ONLINE_WINDOW),
    item("JJJ-ZC-004", "employment", 3, "2019-05-20", "人力资源服务从业资格互认",
         materials=[ID_CARD, m("hr_certificate", "人力资源服务从业资格证明")], time_limit_days=10,
         legal_basis="《人力资源市场暂行条例》"),
    item("JJJ-SB-001", "social_insurance", 1, "2017-06-15", "社保关系转移",
         conditions=["在京津冀区域内跨省市流动就业", "已在转出地参加基本养老保险"],
         materials=[ID_CARD, FORM("基本养老保险关系转移接续申请表"), m("insurance_record", "参保缴费凭证", formats=("pdf", "ofd"), example="转出地社保经办机构出具的参保缴费凭证")],
         time_limit_days=15, legal_basis="《城镇企业职工基本养老保险关系转移接续暂行办法》（国办发〔2009〕66号）"),
    item("JJJ-SB-002", "social_insurance", 4, "2021-11-30", "社会保障卡跨省申领",
         materials=[ID_CARD, PHOTO, FORM("社会保障卡申领登记表")], time_limit_days=10,
         legal_basis="《社会保障卡管理办法》"),
    item("JJJ-SB-003", "social_insurance", 4, "2021-11-30", "社会保险待遇资格认证",
         conditions=["在京津冀任一地领取养老保险待遇的人员"],
         materials=[ID_CARD, m("pension_proof", "待遇领取证明", mandatory=False)], time_limit_days=3,
         legal_basis="《京津冀专业技术人员职称资格互认协议》；人社部《关于全面取消领取社会保险待遇资格集中认证的通知》", channels=ONLINE_WINDOW),
    item("JJJ-YL-001", "medical", 1, "2017-06-15", "异地就医备案",
         conditions=["参加京津冀任一地基本医疗保险", "在另一地长期居住、工作或转诊就医"],
         materials=[ID_CARD, FORM("异地就医备案登记表"), m("residence_proof", "异地居住或工作证明", mandatory=False, example="居住证、工作证明或个人承诺书")],
         time_limit_days=1, legal_basis="《关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》（医保发〔2022〕22号）", channels=ONLINE_WINDOW),
    item("JJJ-YL-002", "medical", 3, "2019-05-20", "异地就医费用手工报销",
         materials=[ID_CARD, m("invoice", "医疗费用票据", formats=("pdf", "ofd", "jpg")), m("medical_record", "诊断证明及费用明细", formats=("pdf", "jpg"))],
         time_limit_days=20, legal_basis="《基本医疗保险关系转移接续暂行办法》"),
    item("JJJ-YL-003", "medical", 5, "2024-02-01", "高层次人才医疗保健服务",
         conditions=["持有有效的京津冀人才卡"],
         materials=[ID_CARD, TALENT_PROOF, FORM("医疗保健服务登记表")], time_limit_days=5,
         legal_basis="《京津冀人才一体化发展规划（2017—2030年）》重点工程12", channels=ONLINE_WINDOW),
    item("JJJ-JY-001", "education", 2, "2018-09-10", "子女入学服务",
         conditions=["在京津冀区域内工作的高层次人才或引进人才", "子女随迁就学"],
         materials=[ID_CARD, FORM("人才子女入学服务申请表"), m("household", "户口簿或出生医学证明"), TALENT_PROOF,
                    m("residence", "居住证明", example="房产证或租房合同")],
         time_limit_days=20, legal_basis="《京津冀人才一体化发展规划（2017—2030年）》；各地人才子女入学保障办法", channels=ONLINE_WINDOW),
    item("JJJ-JY-002", "education", 3, "2019-05-20", "学历学位认证材料跨省核验",
         materials=[ID_CARD, m("diploma", "毕业证书、学位证书")], time_limit_days=5, legal_basis="《中华人民共和国学位法》", channels=["online"]),
    item("JJJ-ZF-001", "housing", 2, "2018-09-10", "人才住房保障",
         conditions=["在办理地工作的引进人才或高层次人才", "在办理地无自有住房"],
         materials=[ID_CARD, FORM("人才住房保障申请表"), m("labour_contract", "劳动合同或聘用证明", formats=("pdf", "ofd")),
                    m("no_house", "无房证明或个人承诺书", formats=("pdf", "jpg"))],
         time_limit_days=20, legal_basis="《关于加快发展保障性租赁住房的意见》（国办发〔2021〕22号）"),
    item("JJJ-ZF-002", "housing", 4, "2021-11-30", "住房公积金异地转移接续",
         materials=[ID_CARD, m("fund_record", "住房公积金缴存证明", formats=("pdf", "ofd"))], time_limit_days=5,
         legal_basis="《住房公积金管理条例》", channels=ONLINE_WINDOW),
    item("JJJ-LH-001", "residence", 2, "2018-09-10", "落户居留便利",
         conditions=["符合办理地人才引进落户条件或持京津冀人才卡"],
         materials=[ID_CARD, FORM("人才引进落户申请表"), m("household", "户口簿"), m("labour_contract", "劳动合同或聘用证明", formats=("pdf", "ofd")), TALENT_PROOF],
         time_limit_days=15, legal_basis="《中华人民共和国户口登记条例》；各地人才引进落户办法"),
    item("JJJ-LH-002", "residence", 5, "2024-02-01", "居住证跨省办理",
         materials=[ID_CARD, PHOTO, m("residence", "合法稳定住所证明")], time_limit_days=15, legal_basis="《居住证暂行条例》"),
    item("JJJ-CR-001", "exit_entry", 3, "2019-05-20", "外籍人才工作许可",
         conditions=["符合外国人来华工作A类或B类条件", "用人单位在京津冀区域内"],
         materials=[m("passport", "护照"), FORM("外国人工作许可申请表"), m("degree", "最高学位证书及认证"),
                    m("no_crime", "无犯罪记录证明", formats=("pdf",)), m("health", "体检证明", formats=("pdf",)),
                    m("contract", "劳动合同或聘用意向书", formats=("pdf", "ofd"))],
         time_limit_days=10, legal_basis="《外国人在中国就业管理规定》；《关于全面实施外国人来华工作许可制度的通知》", channels=ONLINE_WINDOW),
    item("JJJ-CR-002", "exit_entry", 3, "2019-05-20", "外籍人才居留许可",
         materials=[m("passport", "护照"), PHOTO, m("work_permit", "外国人工作许可证"), FORM("外国人居留许可申请表")],
         time_limit_days=15, legal_basis="《中华人民共和国出境入境管理法》", channels=["window"]),
    item("JJJ-CR-003", "exit_entry", 4, "2021-11-30", "港澳台人才就业服务",
         materials=[m("travel_permit", "港澳台居民居住证或通行证"), FORM("就业登记表")], time_limit_days=5,
         legal_basis="《关于香港澳门台湾居民在内地（大陆）就业有关事项的通知》", channels=ONLINE_WINDOW),
    item("JJJ-CX-001", "employment", 2, "2018-09-10", "人才创新创业服务",
         conditions=["在京津冀区域内创办企业或实施科技成果转化的人才"],
         materials=[ID_CARD, FORM("创新创业服务申请表"), m("business_plan", "项目计划书", formats=("pdf", "docx")),
                    m("licence", "营业执照", mandatory=False)],
         time_limit_days=15, legal_basis="《关于大力推进大众创业万众创新若干政策措施的意见》（国发〔2015〕32号）"),
    item("JJJ-CX-002", "employment", 1, "2017-06-15", "高校毕业生就业河北补贴申领",
         conditions=["京津冀区域高校毕业生", "到河北基层或重点企业就业"],
         materials=[ID_CARD, m("diploma", "毕业证书"), m("labour_contract", "劳动合同", formats=("pdf", "ofd")), m("bank_card", "本人银行卡", mandatory=False)],
         time_limit_days=20, legal_basis="河北省高校毕业生就业创业相关补贴政策"),
    item("JJJ-CX-003", "employment", 4, "2021-11-30", "失业登记跨省办理",
         materials=[ID_CARD, m("termination", "解除或终止劳动合同证明", formats=("pdf", "ofd", "jpg"))], time_limit_days=3,
         legal_basis="《就业服务与就业管理规定》", channels=ONLINE_WINDOW),
    item("JJJ-YS-001", "elderly", 5, "2024-02-01", "养老保险待遇领取地变更",
         materials=[ID_CARD, FORM("养老保险待遇领取地变更申请表")], time_limit_days=15, legal_basis="《中华人民共和国社会保险法》"),
]

# Each region's contact data (illustrative): region → (department pattern, address, phone, hours)
CONTACTS = {
    "11": ("北京市人力资源和社会保障局", "北京市通州区运河东大街57号 政务服务中心", "12333", "工作日 9:00-17:00"),
    "12": ("天津市人力资源和社会保障局", "天津市河西区友谊路 政务服务中心", "12333", "工作日 9:00-17:00"),
    "13": ("河北省人力资源和社会保障厅", "河北省石家庄市裕华区 政务服务中心", "12333", "工作日 9:00-17:00"),
}
