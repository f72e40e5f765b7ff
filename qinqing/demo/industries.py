"""Industries (GB/T 4754-2017) of the demo firms and which firms a service item or a tender draws.

Weights follow a coal-and-manufacturing prefecture like Qujing: many traders and builders, coal mines
concentrated in the coal counties, a few micro-loan firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Industry:
    code: str
    words: tuple[str, ...]  # the business word of a firm's name (字号 + word + 有限公司)
    weight: float  # share of firms
    capital: float  # median registered capital, 10k yuan
    coal: bool = False  # concentrated in the coal counties


def _i(code: str, words: str, weight: float, capital: float, coal: bool = False) -> Industry:
    return Industry(code, tuple(words.split()), weight, capital, coal)


HOLDING = "L7212"  # 投资与资产管理: the holding companies of ownership chains
MICRO_LOAN = "J6635"  # 小额贷款公司服务
COAL = "B0610"  # 烟煤和无烟煤开采洗选

INDUSTRIES: tuple[Industry, ...] = (
    _i("A01", "农业开发 农业科技 种植", 4.0, 100),
    _i("A03", "养殖 牧业", 2.0, 100),
    _i(COAL, "煤业 煤矿 煤炭开发", 1.0, 3000, coal=True),
    _i("B0912", "矿业 铅锌矿业", 0.3, 2000),
    _i("B101", "砂石 石材 矿业", 1.0, 300),
    _i("C13", "食品 农产品加工", 2.0, 300),
    _i("C15", "酒业 饮品", 0.5, 300),
    _i("C26", "化工 化学", 0.6, 1000),
    _i("C2720", "药业 制药", 0.3, 2000),
    _i("C2740", "药业 中药饮片", 0.3, 1000),
    _i("C3011", "水泥 建材", 0.5, 5000),
    _i("C30", "建材 新型建材", 1.0, 500),
    _i("C31", "钢铁 特钢", 0.2, 10000),
    _i("C33", "金属制品 五金", 1.0, 300),
    _i("C3670", "汽车配件 轮毂制造 精密机械", 0.6, 2000),
    _i("C3841", "新能源科技 电池材料", 0.3, 5000),
    _i("D4416", "光伏 新能源", 0.2, 3000),
    _i("D4411", "电力 能源", 0.1, 10000),
    _i("E4710", "建筑工程 建设工程 建设", 3.0, 2000),
    _i("E4812", "路桥 公路工程", 1.2, 3000),
    _i("E4813", "市政工程 市政建设", 1.0, 2000),
    _i("E482", "水利水电工程 水利工程", 0.8, 2000),
    _i("E50", "装饰工程 装饰装修", 1.5, 300),
    _i("F51", "商贸 贸易 物资", 12.0, 100),
    _i("F52", "商店 超市 百货", 9.0, 50),
    _i("F5251", "大药房 医药连锁", 1.0, 100),
    _i("G543", "物流 运输", 3.0, 200),
    _i("H61", "酒店 宾馆", 2.0, 200),
    _i("H62", "餐饮管理 餐饮服务", 4.0, 50),
    _i("I65", "信息技术 网络科技 软件", 1.5, 200),
    _i(MICRO_LOAN, "小额贷款", 0.05, 10000),
    _i("K7010", "房地产开发 置业", 1.5, 2000),
    _i("L72", "企业管理咨询 商务服务", 2.0, 100),
    _i("M74", "工程咨询 工程设计 检测技术", 1.5, 200),
    _i("Q841", "医院", 0.3, 500),
    _i(HOLDING, "投资 实业 控股集团", 0.0, 5000),  # only holding companies (see firms.py)
)
CODES = np.array([i.code for i in INDUSTRIES])
INDEX = {i.code: n for n, i in enumerate(INDUSTRIES)}

# Which industries a service item's or a tender's category draws, by code prefix.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "any": ("",),
    "mining": ("B06", "B09", "B10"),
    "coal": ("B06",),
    "construction": ("E",),
    "builders": ("E", "K70", "C"),
    "real_estate": ("K70",),
    "transport": ("G54",),
    "medical": ("Q", "C27", "F5251"),
    "food": ("C13", "C15", "H62", "F52"),
    "hospitality": ("H61", "H62"),
    "industry": ("C", "D44", "B06"),
    "chemical": ("C26", "F51", "B06"),
    "agri": ("A", "F51"),
    "finance": ("J66",),
    "services": ("L72", "M74", "I65"),
    # tender kinds: who bids
    "road_works": ("E4812", "E4813"),
    "building_works": ("E4710", "E50"),
    "municipal_works": ("E4813", "E4710", "E4812"),
    "land_consolidation": ("E482", "E4710", "E4813"),
    "water_works": ("E482",),
    "medical_goods": ("F5251", "C27", "F51"),
    "medical_equipment": ("F51",),
    "it_services": ("I65",),
    "office_goods": ("F51", "F52"),
}


def in_category(category: str) -> np.ndarray:
    """Boolean per industry index: does the category draw it."""
    prefixes = CATEGORIES[category]
    return np.array([any(code.startswith(p) for p in prefixes) for code in CODES])


# 字号: the distinctive part of a firm's name, two characters drawn from these.
TRADE_CHARS = tuple(
    "鑫源恒达兴旺华泰丰盛宏瑞祥金隆通安顺益昌锦鸿格威嘉诚信德福永众天宇凯远博创力新正和美康佳汇润泽晟峰磊"
    "腾飞龙辉宝利达元春云岭珠滇曲麒沾宣陆罗师会骏豪越华城建宏远合发光明振海阳辰星佳林"
)
LEGAL_FORMS = ("有限公司", "有限责任公司", "股份有限公司")
LEGAL_FORM_P = np.array([0.70, 0.25, 0.05])
