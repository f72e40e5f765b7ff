"""The government side as data: bureaus with their sections and units, the powers (duties) posts carry,
the service items (事项) each unit handles with statutory time limits, and the interaction lists.

Every prefecture and county of the world gets the bureaus that exist at its level; codes are stable
(`<region><bureau:02><sub:02>`), so the same bureau has the same suffix everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

STEPS = "申请|受理|审查|决定|送达"
BASIC = "申请书|营业执照|法定代表人身份证明"


@dataclass(frozen=True)
class Item:
    name: str
    limit: int  # statutory time limit, working days
    category: str  # which firms apply: a key of firms.CATEGORIES
    weight: float  # how often it is applied for
    materials: str
    steps: str = STEPS
    amount: bool = False  # carries a money amount (audited value, payment)


@dataclass(frozen=True)
class Sub:
    city: str | None  # name at prefecture level (None: absent there)
    county: str | None  # name at county level
    level: str = "section"  # section | unit
    duties: str = ""
    items: tuple[Item, ...] = ()
    sector: str | None = None  # a unit's own sector (a hospital, a state-owned company)
    buyer: str | None = None  # the tender kind it buys, if it runs tenders itself
    head: str = "科长"


@dataclass(frozen=True)
class Bureau:
    index: int
    city: str | None
    county: str | None
    sector: str
    head: str
    duties: str  # the top leader's powers
    deputy_duties: str  # what the deputy in charge of the bureau's permits signs
    subs: tuple[Sub, ...]
    buyer: str | None = None
    staff: float = 1.0  # relative headcount


EXPLOSIVES_BUY = Item("民用爆炸物品购买许可", 5, "mining", 3.0,
                      BASIC + "|采矿许可证|安全生产许可证|爆破作业单位许可证|购买用途说明")
AUDIT_SETTLEMENT = Item("政府投资建设项目结算审计", 40, "construction", 3.0,
                        "送审申请|施工合同|竣工图纸|工程结算书|签证变更资料|中标通知书",
                        steps="送审|资料审核|现场踏勘|审计|征求意见|出具报告", amount=True)
ROAD_TRANSPORT = Item("道路运输经营许可", 20, "transport", 3.0,
                      BASIC + "|车辆技术等级评定|驾驶员从业资格证|安全生产管理制度|停车场地证明")

BUREAUS: tuple[Bureau, ...] = (
    Bureau(1, "公安局", "公安局", "police", "局长", "tender_approval;payment_approval", "explosives_permit", (
        Sub("治安管理支队", "治安管理大队", duties="explosives_permit", head="支队长", items=(
            EXPLOSIVES_BUY,
            Item("民用爆炸物品运输许可", 3, "mining", 2.0,
                 BASIC + "|民用爆炸物品购买许可证|运输车辆资质|押运员证"),
            Item("爆破作业单位许可（非营业性）", 20, "mining", 0.4,
                 BASIC + "|爆破作业人员资格证|专用仓库安全评价报告"),
            Item("剧毒化学品购买许可", 3, "chemical", 0.4, BASIC + "|购买用途说明|经办人身份证明"),
        )),
        Sub("交通警察支队", "交通警察大队", head="支队长"),
        Sub("刑事侦查支队", "刑事侦查大队", head="支队长"),
    ), buyer="office_goods", staff=3.0),
    Bureau(2, "审计局", "审计局", "audit", "局长", "audit_signoff;tender_approval", "audit_signoff", (
        Sub("固定资产投资审计科", "投资审计股", duties="audit_signoff", items=(
            AUDIT_SETTLEMENT,
            Item("财政投资项目竣工决算审计", 60, "construction", 1.0,
                 "送审申请|竣工决算报告|工程结算审定书|资金到位证明", steps="送审|资料审核|审计|出具报告",
                 amount=True),
        )),
        Sub("财政审计科", "财政审计股"),
        Sub("经济责任审计科", "经济责任审计股"),
    )),
    Bureau(3, "自然资源局", "自然资源局", "natural_resources", "局长", "land_approval;tender_approval",
           "land_approval;mining_right", (
        Sub("国土空间用途管制科", "用途管制股", duties="land_approval", items=(
            Item("建设项目用地预审与选址意见书", 20, "builders", 1.2, BASIC + "|项目建议书|用地范围图"),
            Item("建设用地规划许可证核发", 20, "builders", 1.2, BASIC + "|土地出让合同|规划设计条件"),
        )),
        Sub("矿产资源管理科", "矿产资源管理股", duties="mining_right", items=(
            Item("采矿许可证延续登记", 20, "mining", 0.8,
                 BASIC + "|采矿许可证|矿产资源开发利用方案|缴纳出让收益凭证"),
        )),
        Sub("不动产登记中心", "不动产登记中心", level="unit", head="主任", items=(
            Item("不动产登记（企业）", 5, "any", 2.0, BASIC + "|权属来源证明|不动产界址测绘成果"),
        )),
        Sub("土地整治中心", "土地整治中心", level="unit", head="主任", buyer="land_consolidation"),
    ), buyer="land_consolidation", staff=1.5),
    Bureau(4, "卫生健康委员会", "卫生健康局", "health", "主任", "tender_approval;drug_procurement",
           "medical_license", (
        Sub("医政医管科", "医政医管股", duties="medical_license", items=(
            Item("医疗机构执业许可", 30, "medical", 0.6, BASIC + "|设置批准书|执业人员资格证明|房屋产权证明"),
        )),
        Sub("公共卫生科", "公共卫生股", duties="hygiene_permit", items=(
            Item("公共场所卫生许可", 20, "hospitality", 1.5, BASIC + "|卫生检测报告|从业人员健康证明"),
        )),
        Sub("第一人民医院", "人民医院",
            level="unit", sector="health", buyer="medical_equipment", head="院长"),
        Sub("中医医院", "中医医院", level="unit", sector="health", buyer="medical_goods", head="院长"),
    ), staff=2.0),
    Bureau(5, "交通运输局", "交通运输局", "transport", "局长", "tender_approval;payment_approval",
           "transport_permit", (
        Sub("建设管理科", "建设管理股", duties="construction_permit", items=(
            Item("公路建设项目施工许可", 20, "construction", 0.8,
                 BASIC + "|施工图设计批复|施工合同|监理合同"),
        )),
        Sub("交通运政管理处", "运输管理所", level="unit", duties="transport_permit", head="处长", items=(
            ROAD_TRANSPORT,
            Item("道路货物运输经营许可", 20, "transport", 2.0, BASIC + "|车辆行驶证|驾驶员从业资格证"),
            Item("超限运输车辆行驶公路许可", 5, "transport", 1.5, BASIC + "|车辆行驶证|货物说明|通行路线"),
        )),
    ), buyer="road_works", staff=1.5),
    Bureau(6, "财政局", "财政局", "finance", "局长", "payment_approval;tender_approval", "payment_approval", (
        Sub("国库科", "国库股", duties="payment_approval", items=(
            Item("财政资金支付审核", 10, "construction", 2.0, "支付申请|合同|验收报告|发票|审计结论",
                 steps="申请|审核|支付", amount=True),
        )),
        Sub("政府采购监督管理科", "政府采购股", duties="procurement_supervision"),
        Sub("预算科", "预算股"),
        Sub(None, "城市建设投资有限公司", level="unit", sector="soe", buyer="municipal_works", head="董事长"),
    )),
    Bureau(7, "国有资产监督管理委员会", None, "soe", "主任", "state_asset;tender_approval", "state_asset", (
        Sub("产权管理科", None, duties="state_asset", items=(
            Item("国有产权转让审批", 20, "any", 0.2, BASIC + "|资产评估报告|转让方案|职代会决议"),
        )),
        Sub("城市建设投资集团有限公司", None,
            level="unit", sector="soe", buyer="municipal_works", head="董事长"),
        Sub("交通建设投资集团有限公司", None, level="unit", sector="soe", buyer="road_works", head="董事长"),
    )),
    Bureau(8, "司法局", "司法局", "justice", "局长", "tender_approval", "legal_service", (
        Sub("公共法律服务管理科", "公共法律服务股", duties="legal_service", items=(
            Item("司法鉴定机构登记", 20, "services", 0.2, BASIC + "|鉴定人员执业证|仪器设备清单"),
        )),
        Sub("律师工作管理科", "律师工作股"),
    )),
    Bureau(9, "发展和改革委员会", "发展和改革局", "development", "主任", "project_approval;tender_approval",
           "project_approval", (
        Sub("固定资产投资科", "投资股", duties="project_approval", items=(
            Item("企业投资项目核准", 20, "industry", 0.8, BASIC + "|项目申请报告|用地预审意见|环评批复"),
            Item("企业投资项目备案", 3, "any", 2.0, "项目备案表|营业执照"),
        )),
        Sub("价格科", "价格股"),
    )),
    Bureau(10, "市场监督管理局", "市场监督管理局", "market", "局长", "business_license;tender_approval",
           "business_license", (
        Sub("登记注册科", "登记注册股", duties="business_license", items=(
            Item("企业变更登记", 3, "any", 4.0, "变更登记申请书|股东会决议|章程修正案|营业执照"),
        )),
        Sub("食品经营安全监督管理科", "食品安全股", duties="food_permit", items=(
            Item("食品经营许可", 10, "food", 2.5, BASIC + "|经营场所平面图|食品安全管理制度"),
        )),
        Sub("药品流通监督管理科", "药品监管股", duties="drug_permit", items=(
            Item("药品零售经营许可", 15, "medical", 0.8, BASIC + "|执业药师注册证|质量管理文件"),
        )),
    ), staff=2.0),
    Bureau(11, "住房和城乡建设局", "住房和城乡建设局", "construction", "局长",
           "construction_permit;tender_approval", "construction_permit", (
        Sub("建筑市场监管科", "建筑市场股", duties="construction_permit", items=(
            Item("建筑工程施工许可", 7, "construction", 2.5,
                 BASIC + "|建设工程规划许可证|施工合同|施工图审查合格书"),
            Item("建筑业企业资质核准", 20, "construction", 0.6,
                 BASIC + "|注册建造师证书|技术负责人资料|业绩证明"),
        )),
        Sub("房地产市场监管科", "房地产股", duties="presale_permit", items=(
            Item("商品房预售许可", 10, "real_estate", 0.8,
                 BASIC + "|土地使用权证|建设工程规划许可证|预售方案"),
        )),
        Sub("建设工程质量安全监督站", "质量安全监督站", level="unit", head="站长"),
    ), buyer="building_works", staff=1.5),
    Bureau(12, "应急管理局", "应急管理局", "emergency", "局长",
           "safety_permit;tender_approval", "safety_permit", (
        Sub("安全生产执法支队", "安全生产执法大队",
            level="unit", duties="safety_permit", head="支队长", items=(
            Item("金属非金属矿山安全生产许可", 45, "mining", 0.5, BASIC + "|安全评价报告|安全生产管理制度"),
            Item("危险化学品经营许可", 30, "chemical", 0.8, BASIC + "|经营场所证明|安全管理人员资格证"),
        )),
        Sub("危险化学品安全监督管理科", "危化品股"),
    )),
    Bureau(13, "能源局", "能源局", "energy", "局长", "coal_capacity;tender_approval", "coal_capacity", (
        Sub("煤炭管理科", "煤炭管理股", duties="coal_capacity", items=(
            Item("煤矿生产能力核定", 20, "coal", 0.8, BASIC + "|采矿许可证|生产能力核定报告|安全生产许可证"),
        )),
        Sub("电力科", "电力股"),
    )),
    Bureau(14, "生态环境局", None, "environment", "局长", "eia_approval;tender_approval", "eia_approval", (
        Sub("环境影响评价与排放管理科", None, duties="eia_approval", items=(
            Item("建设项目环境影响报告表审批", 20, "industry", 1.0, BASIC + "|环境影响报告表|公众参与说明"),
            Item("排污许可证核发", 20, "industry", 1.0, BASIC + "|排污许可申请表|监测方案"),
        )),
    )),
    Bureau(15, "农业农村局", "农业农村局", "agriculture", "局长", "tender_approval", "agri_permit", (
        Sub("种植业管理科", "种植业股", duties="agri_permit", items=(
            Item("农药经营许可", 20, "agri", 0.6, BASIC + "|经营场所证明|农药专业人员资格证明"),
        )),
    ), buyer="office_goods"),
    Bureau(16, "水务局", "水务局", "water", "局长", "water_permit;tender_approval", "water_permit", (
        Sub("水资源管理科", "水资源股", duties="water_permit", items=(
            Item("取水许可", 20, "industry", 0.6, BASIC + "|建设项目水资源论证报告|取水工程设计"),
        )),
    ), buyer="water_works"),
    Bureau(17, "教育体育局", "教育体育局", "education", "局长", "tender_approval", "", (
        Sub("计划财务科", "计划财务股"),
    ), buyer="building_works", staff=1.5),
    Bureau(18, "工业和信息化局", "工业商务和信息化局", "industry", "局长", "tender_approval", "tech_filing", (
        Sub("产业发展科", "产业发展股", duties="tech_filing", items=(
            Item("技术改造项目备案", 5, "industry", 0.8, "技术改造项目备案表|营业执照"),
        )),
    )),
    Bureau(19, "政务服务管理局", "政务服务管理局", "government_service", "局长", "tender_approval", "", (
        Sub("政务服务中心", "政务服务中心", level="unit", duties="agency_service", head="主任"),
    ), buyer="it_services"),
    Bureau(20, "纪委监委", "纪委监委", "discipline", "书记", "", "", (
        Sub("第五监督检查室", "第二监督检查室", head="主任"),
        Sub("案件审理室", "案件审理室", head="主任"),
        Sub("党风政风监督室", "党风政风监督室", head="主任"),
    )),
    Bureau(21, "地方金融监督管理局", None, "finance", "局长", "finance_approval", "finance_approval", (
        Sub("地方金融监管科", None, duties="finance_approval", items=(
            Item("小额贷款公司变更审批", 20, "finance", 0.3, BASIC + "|股东会决议|验资报告|主要股东资料"),
        )),
    )),
    Bureau(22, "投资促进局", None, "investment", "局长", "", "", (Sub("投资服务科", None),)),
)

POSITIVE_LIST = (  # the article's 10-item positive list (正面清单); the first four are named in the article
    ("attend_event", "参加企业活动", "应邀出席企业举办的开工、投产、庆典、推介等公开活动"),
    ("training", "组织企业交流培训", "组织企业开展政策解读、经营管理、技能等交流培训"),
    ("research_visit", "深入企业调研", "到企业调研了解生产经营情况，听取意见建议"),
    ("handle_matter", "办理涉企事项", "依法依规为企业办理审批、许可、备案等涉企事项"),
    ("policy_briefing", "宣传惠企政策", "向企业宣传解读惠企政策，帮助企业申报享受"),
    ("solve_problem", "协调解决企业困难", "帮助企业协调解决用地、用工、融资、用能等困难"),
    ("liaison_visit", "包保帮扶企业", "按包保帮扶制度走访挂钩联系企业"),
    ("hear_opinions", "召开政企座谈会", "召开企业家座谈会，听取企业诉求"),
    ("investment_promotion", "开展招商引资", "依法依规开展招商引资、项目洽谈"),
    ("protect_rights", "依法保护企业权益", "依法保护企业和企业家合法权益，处理涉企投诉"),
)
NEGATIVE_LIST = (  # banned contacts (负面清单)
    ("gift", "收受礼品礼金", "收受企业礼品、礼金、消费卡、有价证券"),
    ("banquet", "接受宴请", "接受可能影响公正执行公务的宴请（按标准缴费的工作餐除外）"),
    ("travel", "接受旅游安排", "接受企业安排的旅游、健身、娱乐活动"),
    ("expense_reimbursement", "由企业报销费用", "要求或接受企业支付、报销应由个人或单位负担的费用"),
    ("borrow_money", "向企业借款", "向企业借款或借用企业车辆、住房"),
    ("meddle_tender", "插手招投标", "违规干预、插手招标投标、政府采购等市场经济活动"),
    ("hold_shares", "违规经商办企业", "违规在企业入股、兼职取酬或为亲属经商谋利"),
    ("intermediary", "充当中介", "利用职权或影响为企业充当说客、中介"),
)

# Positive-list kinds a liaison leader or a handler logs, with how each is worded in the description.
ROUTINE_CONTACTS = (
    ("liaison_visit", "走访挂钩联系企业，了解生产经营情况", 5.0),
    ("policy_briefing", "上门宣讲惠企政策", 2.0),
    ("solve_problem", "协调解决企业用工用能困难", 1.5),
    ("research_visit", "到企业调研", 1.5),
    ("attend_event", "出席企业投产仪式", 0.5),
    ("training", "组织企业参加政策培训", 0.7),
    ("hear_opinions", "参加政企座谈会", 0.7),
    ("handle_matter", "现场指导企业办理审批事项", 1.0),
    ("meal", "调研期间工作餐（按标准缴费）", 0.4),  # a free word, small value: allowed
)
