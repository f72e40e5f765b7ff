"""Chinese personal names with realistic frequencies, drawn column-wise.

Surnames follow the 2020 census shares (王 李 张 刘 陈 ...); given names follow a steep frequency curve
so that common full names repeat as they do in life (many 张伟, 王芳, 李娜): a name never identifies.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# (surname, share in percent) — census order; the Yunnan-typical 普 and 浦 are added at the end.
_SURNAMES = (
    "王7.12 李6.98 张6.21 刘5.38 陈4.53 杨3.08 黄2.23 赵2.18 吴1.98 周1.87 徐1.45 孙1.38 "
    "马1.27 朱1.23 胡1.15 郭1.13 何1.08 林0.98 高0.98 罗0.96 郑0.91 梁0.88 谢0.81 宋0.75 "
    "唐0.74 许0.70 韩0.69 邓0.68 冯0.68 曹0.66 彭0.66 曾0.64 肖0.62 田0.61 董0.60 潘0.56 "
    "袁0.56 蔡0.54 蒋0.54 余0.53 于0.53 杜0.52 叶0.51 程0.50 魏0.48 苏0.47 吕0.46 丁0.45 "
    "任0.44 卢0.43 姚0.42 沈0.41 钟0.40 姜0.39 崔0.38 谭0.37 陆0.36 范0.35 汪0.34 廖0.33 "
    "石0.32 金0.31 韦0.30 贾0.29 夏0.28 付0.27 方0.26 邹0.25 熊0.25 白0.24 孟0.24 秦0.23 "
    "邱0.23 侯0.22 江0.22 尹0.21 薛0.21 闫0.20 段0.20 雷0.20 龙0.19 黎0.19 史0.19 陶0.18 "
    "贺0.18 毛0.17 郝0.17 顾0.17 龚0.16 邵0.16 万0.16 覃0.15 武0.15 钱0.15 戴0.15 严0.14 "
    "莫0.14 孔0.14 向0.14 常0.13 普0.10 浦0.06 保0.05 者0.03"
)
SURNAMES: tuple[str, ...] = tuple(s[0] for s in _SURNAMES.split())
SURNAME_P = np.array([float(s[1:]) for s in _SURNAMES.split()])
SURNAME_P = SURNAME_P / SURNAME_P.sum()

# Given names, most frequent first. The weight curve below makes the first few very common.
GIVEN_MALE: tuple[str, ...] = tuple(
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宇 浩 凯 健 "
    "俊 帆 帅 旭 宁 龙 林 阳 建华 建国 建军 志强 志明 海涛 俊杰 晓东 文博 子轩 浩然 宇航 永刚 国强 "
    "红军 建平 家豪 云峰 立新 春雷 德华 金龙 学文 正云 光荣 国华 建明 文华 永明 志刚 晓明 成 亮 峰 毅 昊 "
    "楠 东 斌斌 文 武 兵 坤 锋 琦 星 翔 彬 伦 德明 绍华 应祥 家兴 德林 开明 绍明 天佑 子豪 "
    "宇轩 一鸣 俊熙 思远 泽宇 明轩 梓豪".split()
)
GIVEN_FEMALE: tuple[str, ...] = tuple(
    "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 慧 莉 琳 颖 倩 萍 红 梅 兰 琴 "
    "晶 丹 洁 秀英 桂英 秀兰 玉兰 桂兰 丽娟 海燕 晓燕 春梅 雪梅 红梅 美玲 婷婷 欣怡 紫涵 梓涵 诗涵 雨萱 思雨 "
    "佳怡 晓丽 丽华 玉梅 彩云 艳芳 秀珍 玉珍 凤英 丽萍 小红 建英 琼 瑶 薇 蓉 璐 佳 悦 欣 怡 媛 "
    "露 洋 莹 雯 蕾 晓梅 丽琼 玉华 春燕 艳萍 红艳 雪芬 永芬 树芬 金凤 丽仙 玉仙 一诺 可馨 梦琪 语桐 欣妍 "
    "子涵 若曦".split()
)


# Composed names: a first and a second character, for the long tail of rarer given names.
COMPOSED_MALE = (
    "建国志文明海永德俊家子宇浩天晓金正光学春立世绍开兴云红朝嘉昊",
    "华平军强伟刚林峰东波辉杰涛斌勇明龙宁飞鹏超鑫阳成祥荣才福生忠",
)
COMPOSED_FEMALE = (
    "丽秀玉桂春海晓美雪红彩凤金艳婷欣思雨佳梦诗紫可子若雅慧淑静月",
    "芳英兰梅华珍燕琼萍娟霞玲莉仙芬婷怡涵萱琪悦妍琳洁丹敏颖蓉倩云",
)
COMMON_SHARE = 0.6  # share of people with one of the common given names above


def _zipf(n: int, offset: float = 4.0) -> np.ndarray:
    w = 1.0 / (np.arange(n) + offset)
    return w / w.sum()


GIVEN_MALE_P = _zipf(len(GIVEN_MALE))
GIVEN_FEMALE_P = _zipf(len(GIVEN_FEMALE))
_SURNAME_SERIES = pl.Series("surname", SURNAMES)


def _composed(rng: np.random.Generator, n: int, chars: tuple[str, str]) -> pl.Series:
    first, second = pl.Series(list(chars[0])), pl.Series(list(chars[1]))
    return first.gather(rng.integers(0, len(chars[0]), n)) + second.gather(rng.integers(0, len(chars[1]), n))


def draw_surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices into SURNAMES."""
    return rng.choice(len(SURNAMES), size=n, p=SURNAME_P).astype(np.int32)


def draw_given(rng: np.random.Generator, male: np.ndarray) -> pl.Series:
    """Given names agreeing with each person's gender: common ones (steep frequencies) or composed."""
    n = male.shape[0]
    m = pl.Series(GIVEN_MALE).gather(rng.choice(len(GIVEN_MALE), size=n, p=GIVEN_MALE_P))
    f = pl.Series(GIVEN_FEMALE).gather(rng.choice(len(GIVEN_FEMALE), size=n, p=GIVEN_FEMALE_P))
    common = rng.random(n) < COMMON_SHARE
    frame = pl.DataFrame({"male": male, "common": common, "m": m, "f": f,
                          "cm": _composed(rng, n, COMPOSED_MALE), "cf": _composed(rng, n, COMPOSED_FEMALE)})
    return frame.select(
        pl.when(pl.col("common")).then(pl.when(pl.col("male")).then("m").otherwise("f"))
        .otherwise(pl.when(pl.col("male")).then("cm").otherwise("cf")).alias("given")
    ).to_series()


def full_names(surname: np.ndarray, given: pl.Series) -> pl.Series:
    return (_SURNAME_SERIES.gather(surname) + given).alias("name")


def one_name(rng: np.random.Generator, male: bool, surname: str | None = None) -> str:
    """A single name, for the few hand-placed people of the planted patterns."""
    given = GIVEN_MALE[rng.choice(len(GIVEN_MALE), p=GIVEN_MALE_P)] if male else \
        GIVEN_FEMALE[rng.choice(len(GIVEN_FEMALE), p=GIVEN_FEMALE_P)]
    return (surname or SURNAMES[rng.choice(len(SURNAMES), p=SURNAME_P)]) + given
