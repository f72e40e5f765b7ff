"""Administrative divisions (GB/T 2260) of Yunnan: Qujing's counties for the city world, all prefectures
for the province world, with rough populations (10k people) as weights for where people and firms are.
"""

from __future__ import annotations

from dataclasses import dataclass

from qinqing.demo.params import Scale

QUJING = "530300"
COAL_COUNTIES = frozenset({"530325", "530381", "530323", "530324", "530326"})  # 富源 宣威 师宗 罗平 会泽


@dataclass(frozen=True)
class County:
    code: str
    name: str
    weight: float


@dataclass(frozen=True)
class Prefecture:
    code: str
    name: str  # full name, e.g. 曲靖市
    short: str  # used in firm names, e.g. 曲靖
    weight: float
    counties: tuple[County, ...]


def _p(code: str, name: str, short: str, weight: float, counties: str) -> Prefecture:
    parts = [c.split(":") for c in counties.split()]
    total = len(parts)
    # The first county is the seat (city district): it carries a larger share of people and firms.
    return Prefecture(code, name, short, weight, tuple(
        County(c, n, weight * (3.0 if i == 0 else 1.0) / (total + 2)) for i, (c, n) in enumerate(parts)
    ))


_QUJING_COUNTIES = (
    County("530302", "麒麟区", 90), County("530303", "沾益区", 41), County("530304", "马龙区", 20),
    County("530322", "陆良县", 64), County("530323", "师宗县", 38), County("530324", "罗平县", 55),
    County("530325", "富源县", 70), County("530326", "会泽县", 85), County("530381", "宣威市", 125),
)

PREFECTURES: tuple[Prefecture, ...] = (
    _p(
        "530100",
        "昆明市",
        "昆明",
        850,
        "530102:五华区 530103:盘龙区 530111:官渡区 530112:西山区 "
        "530113:东川区 530114:呈贡区 530115:晋宁区 530124:富民县 530125:宜良县 530126:石林彝族自治县 "
        "530127:嵩明县 530128:禄劝彝族苗族自治县 530129:寻甸回族彝族自治县 530181:安宁市",
    ),
    Prefecture(QUJING, "曲靖市", "曲靖", 588, _QUJING_COUNTIES),
    _p(
        "530400",
        "玉溪市",
        "玉溪",
        225,
        "530402:红塔区 530403:江川区 530423:通海县 530424:华宁县 "
        "530425:易门县 530426:峨山彝族自治县 530427:新平彝族傣族自治县 530428:元江哈尼族彝族傣族自治县 "
        "530481:澄江市",
    ),
    _p(
        "530500",
        "保山市",
        "保山",
        243,
        "530502:隆阳区 530521:施甸县 530523:龙陵县 530524:昌宁县 530581:腾冲市",
    ),
    _p(
        "530600",
        "昭通市",
        "昭通",
        509,
        "530602:昭阳区 530621:鲁甸县 530622:巧家县 530623:盐津县 "
        "530624:大关县 530625:永善县 530626:绥江县 530627:镇雄县 530628:彝良县 530629:威信县 530681:水富市",
    ),
    _p(
        "530700",
        "丽江市",
        "丽江",
        125,
        "530702:古城区 530721:玉龙纳西族自治县 530722:永胜县 530723:华坪县 530724:宁蒗彝族自治县",
    ),
    _p(
        "530800",
        "普洱市",
        "普洱",
        240,
        "530802:思茅区 530821:宁洱哈尼族彝族自治县 530822:墨江哈尼族自治县 "
        "530823:景东彝族自治县 530824:景谷傣族彝族自治县 530825:镇沅彝族哈尼族拉祜族自治县 "
        "530826:江城哈尼族彝族自治县 530827:孟连傣族拉祜族佤族自治县 530828:澜沧拉祜族自治县 "
        "530829:西盟佤族自治县",
    ),
    _p(
        "530900",
        "临沧市",
        "临沧",
        225,
        "530902:临翔区 530921:凤庆县 530922:云县 530923:永德县 530924:镇康县 "
        "530925:双江拉祜族佤族布朗族傣族自治县 530926:耿马傣族佤族自治县 530927:沧源佤族自治县",
    ),
    _p(
        "532300",
        "楚雄彝族自治州",
        "楚雄",
        241,
        "532301:楚雄市 532302:禄丰市 532322:双柏县 532323:牟定县 "
        "532324:南华县 532325:姚安县 532326:大姚县 532327:永仁县 532328:元谋县 532329:武定县",
    ),
    _p(
        "532500",
        "红河哈尼族彝族自治州",
        "红河",
        448,
        "532503:蒙自市 532501:个旧市 532502:开远市 532504:弥勒市 "
        "532523:屏边苗族自治县 532524:建水县 532525:石屏县 532527:泸西县 532528:元阳县 532529:红河县 "
        "532530:金平苗族瑶族傣族自治县 532531:绿春县 532532:河口瑶族自治县",
    ),
    _p(
        "532600",
        "文山壮族苗族自治州",
        "文山",
        350,
        "532601:文山市 532622:砚山县 532623:西畴县 "
        "532624:麻栗坡县 532625:马关县 532626:丘北县 532627:广南县 532628:富宁县",
    ),
    _p("532800", "西双版纳傣族自治州", "西双版纳", 130, "532801:景洪市 532822:勐海县 532823:勐腊县"),
    _p(
        "532900",
        "大理白族自治州",
        "大理",
        334,
        "532901:大理市 532922:漾濞彝族自治县 532923:祥云县 "
        "532924:宾川县 532925:弥渡县 532926:南涧彝族自治县 532927:巍山彝族回族自治县 532928:永平县 "
        "532929:云龙县 532930:洱源县 532931:剑川县 532932:鹤庆县",
    ),
    _p(
        "533100",
        "德宏傣族景颇族自治州",
        "德宏",
        132,
        "533103:芒市 533102:瑞丽市 533122:梁河县 533123:盈江县 533124:陇川县",
    ),
    _p(
        "533300",
        "怒江傈僳族自治州",
        "怒江",
        55,
        "533301:泸水市 533323:福贡县 533324:贡山独龙族怒族自治县 533325:兰坪白族普米族自治县",
    ),
    _p("533400", "迪庆藏族自治州", "迪庆", 39, "533401:香格里拉市 533422:德钦县 533423:维西傈僳族自治县"),
)
PREFECTURE_BY_CODE = {p.code: p for p in PREFECTURES}
COUNTY_NAME = {c.code: c.name for p in PREFECTURES for c in p.counties} | {
    p.code: p.name for p in PREFECTURES
}
COUNTY_PREFECTURE = {c.code: p.code for p in PREFECTURES for c in p.counties}

# Birthplaces of people from outside the world (ID numbers keep where a person was first registered):
# neighbouring Guizhou (六盘水 盘州) and Sichuan, and other Yunnan prefectures.
OUTSIDE_BIRTHPLACES = ("520281", "520201", "510402", "510104", "530102", "532301", "530602", "532501")


def prefectures_for(scale: Scale) -> tuple[Prefecture, ...]:
    """The prefectures of the world, each with only the counties the scale keeps."""
    chosen = PREFECTURES if scale.province else (PREFECTURE_BY_CODE[QUJING],)
    if not scale.counties:
        return chosen
    return tuple(
        Prefecture(
            p.code, p.name, p.short, p.weight, tuple(c for c in p.counties if c.code in scale.counties)
        )
        for p in chosen
    )
