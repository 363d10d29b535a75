#!/usr/bin/env python3
"""Writes the demo data set of 龙泉市 (331181) as CSV files for `saimactl import`.

Deterministic: the same files on every run. The counts are those of the 2023 speech (DOMAIN.md §6):
19 乡镇(街道) and 27 市直单位 (plus 城发集团 and 开发区); last year's 95 + 250 planned projects; this year's 169
(一产 24, 二产 17 all 制造业, 三产 128); 76 key projects including the ones the speech names. The figures the
speech quotes are computed from these records by the services, never written here.

Usage: generate.py OUT_DIR
"""
import csv
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CITY = "331181"

DEPARTMENTS = [
    ("D01", "发展和改革局", "发改"), ("D02", "经济和信息化局", "经信"), ("D03", "住房和城乡建设局", "住建"),
    ("D04", "统计局", ""), ("D05", "自然资源和规划局", "自然资源"), ("D06", "农业农村局", "农业"),
    ("D07", "交通运输局", "交通"), ("D08", "水利局", "水利"), ("D09", "教育局", "教育"),
    ("D10", "卫生健康局", "卫生"), ("D11", "文化和广电旅游体育局", "文旅"), ("D12", "商务局", "商务"),
    ("D13", "民政局", "民政"), ("D14", "人力资源和社会保障局", ""), ("D15", "生态环境分局", "环保"),
    ("D16", "应急管理局", ""), ("D17", "市场监督管理局", ""), ("D18", "财政局", ""),
    ("D19", "科学技术局", "科技"), ("D20", "综合行政执法局", ""), ("D21", "林业局", "林业"),
    ("D22", "公安局", ""), ("D23", "司法局", ""), ("D24", "退役军人事务局", ""),
    ("D25", "医疗保障局", ""), ("D26", "机关事务服务中心", ""), ("D27", "大数据发展管理局", "数字"),
]
OTHER_UNITS = [("G01", "城市发展集团", "国企"), ("Z01", "龙泉经济开发区", "开发区")]

# The key projects the speech names, with the status the statistics will give them (issue 3 uses the status).
NAMED_KEY_PROJECTS = [
    # name, unit, industry, nature, ownership, sector note
    ("国镜药业年产2亿瓶口服溶液剂项目", "Z01", "2720", "新建", "私人"),
    ("鹤思医疗注射器及输液器生产线项目", "Z01", "3584", "新建", "私人"),
    ("城市文化客厅项目", "G01", "8870", "新建", "国有"),
    ("南大洋水厂扩建增容工程", "D08", "4610", "扩建", "国有"),
    ("水南未来社区水南地块项目", "331181002", "7010", "新建", "国有"),
    ("凤起路区块拆迁安置房项目", "331181001", "4710", "新建", "国有"),
    ("浙大路安置房项目", "331181003", "4710", "新建", "国有"),
    ("中医医院迁建工程", "D10", "8412", "迁建", "国有"),
    ("公共卫生应急救治中心项目", "D10", "8411", "新建", "国有"),
    ("交通物流快递服务中心项目", "D07", "6020", "新建", "国有"),
    ("小梅镇集镇综合体项目", "331181102", "7010", "新建", "集体"),
    ("安仁镇食用菌共富双创园项目", "331181104", "0142", "新建", "集体"),
]

PRIMARY_WORDS = ["高山蔬菜基地", "食用菌产业园", "中药材种植基地", "精品茶园提升", "生态农场", "数字农业示范园",
                 "油茶林改造", "水果采摘园", "竹林培育基地", "稻鱼共生示范区"]
SECONDARY_WORDS = ["汽车空调零部件扩产", "工程机械配件生产线", "竹木制品精深加工", "青瓷文创产品生产线",
                   "宝剑锻造工艺升级", "新材料研发生产基地", "智能装备制造", "医疗器械配套件生产",
                   "竹木家居智能工厂", "汽车零部件数字化车间"]
TERTIARY_WORDS = ["城镇有机更新", "乡村振兴示范带", "文旅融合综合体", "农贸市场改造", "美丽城镇建设",
                  "停车场建设", "养老服务中心", "社区服务综合体", "道路提升改造", "污水管网改造",
                  "学校扩建", "卫生院改造", "民宿集聚区", "游客集散中心", "共富工坊", "数字化治理平台"]


def industries():
    """Level-4 codes of GB/T 4754-2017 by 三次产业 (DOMAIN.md §2)."""
    out = {"primary": [], "manufacturing": [], "tertiary": []}
    with open(os.path.join(ROOT, "data", "gbt4754-2017-industries.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["level"] != "4":
                continue
            division = int(row["code"][:2])
            if 1 <= division <= 4:
                out["primary"].append(row["code"])
            elif 13 <= division <= 42:
                out["manufacturing"].append(row["code"])
            elif division >= 51:
                out["tertiary"].append(row["code"])
    return out


def townships():
    with open(os.path.join(ROOT, "data", "longquan-townships.csv"), encoding="utf-8") as f:
        return [(r["code"], r["name"], "街道" if r["name"].endswith("街道") else "乡镇") for r in csv.DictReader(f)]


class Codes:
    """项目代码 in the GB/T 40058-2021 shape, unique and deterministic."""

    def __init__(self):
        self.serial = 0

    def next(self, year):
        self.serial += 1
        return f"{year}-{CITY}-{(self.serial % 30) + 1:02d}-{(self.serial % 4) + 1:02d}-{self.serial:05d}{self.serial % 10}"


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20230531)
    codes = Codes()
    codes_by_sector = industries()
    towns = townships()

    with open(os.path.join(out_dir, "units.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["单位代码", "单位名称", "单位类型", "行政区划代码", "主管行业"])
        for code, name, kind in towns:
            w.writerow([code, name, kind, CITY, ""])
        for code, name, sector in DEPARTMENTS:
            w.writerow([code, name, "市直单位", CITY, sector])
        for code, name, kind in OTHER_UNITS:
            w.writerow([code, name, kind, CITY, ""])

    header = ["项目代码", "项目名称", "单位代码", "行业代码", "建设性质", "控股情况", "项目层级", "项目阶段",
              "谋划年度", "计划总投资(元)", "计划开工日期", "实际开工日期", "计划竣工日期", "实际竣工日期",
              "建设地点", "行政区划代码", "技改", "事业单位", "退出原因"]
    rows = []

    def add(name, unit, industry, nature, ownership, tiers, stage, year, total, planned_start="", actual_start="",
            location="", renovation=False, public=False):
        code = "" if stage == "谋划" else codes.next(year)
        planned_completion = f"{year + 3}-12-31" if planned_start else ""
        rows.append([code, name, unit, industry, nature, ownership, "|".join(tiers), stage, year, total,
                     planned_start, actual_start, planned_completion, "", location, CITY,
                     "是" if renovation else "否", "是" if public else "否", ""])

    unit_names = {c: n for c, n, _ in towns}
    unit_names.update({c: n for c, n, _ in DEPARTMENTS})

    # Last year's plans: 95 by the 19 乡镇(街道) (5 each), 250 by the 27 市直单位 (9 or 10 each).
    for i in range(95):
        code, name, _ = towns[i % 19]
        word = rng.choice(PRIMARY_WORDS + TERTIARY_WORDS)
        sector = "primary" if word in PRIMARY_WORDS else "tertiary"
        started = rng.random() < 0.45
        add(f"{name}{word}项目({i // 19 + 1})", code, rng.choice(codes_by_sector[sector]), "新建",
            rng.choice(["国有", "集体", "私人"]), [], "在建" if started else rng.choice(["谋划", "前期"]), 2022,
            rng.randrange(500, 30000) * 10000, "2022-09-01" if started else "", "2022-10-15" if started else "",
            name)
    for i in range(250):
        code, name, _ = DEPARTMENTS[i % 27]
        word = rng.choice(SECONDARY_WORDS + TERTIARY_WORDS)
        sector = "manufacturing" if word in SECONDARY_WORDS else "tertiary"
        started = rng.random() < 0.4
        add(f"{name}{word}项目({i // 27 + 1})", code, rng.choice(codes_by_sector[sector]),
            rng.choice(["新建", "扩建", "改建和技术改造"]), rng.choice(["国有", "私人"]), [],
            "在建" if started else rng.choice(["谋划", "前期"]), 2022, rng.randrange(500, 50000) * 10000,
            "2022-11-01" if started else "", "2022-12-01" if started else "", "", public=not started)

    # This year's plans: 169 = 一产 24 + 二产 17 (all 制造业) + 三产 128, from townships and departments alike.
    planners = [(c, n) for c, n, _ in towns] + [(c, n) for c, n, _ in DEPARTMENTS]
    for sector, count, words in (("primary", 24, PRIMARY_WORDS), ("manufacturing", 17, SECONDARY_WORDS),
                                 ("tertiary", 128, TERTIARY_WORDS)):
        for i in range(count):
            code, name = planners[rng.randrange(len(planners))]
            add(f"{name}{rng.choice(words)}项目(2023-{sector[0]}{i + 1})", code, rng.choice(codes_by_sector[sector]),
                "新建", rng.choice(["国有", "集体", "私人"]), [], rng.choice(["谋划", "谋划", "前期"]), 2023,
                rng.randrange(500, 80000) * 10000)

    # 76 key projects (重点项目), planned in earlier years and now under construction; the named ones first.
    for i, (name, unit, industry, nature, ownership) in enumerate(NAMED_KEY_PROJECTS):
        tiers = ["重点项目"] + (["重大项目"] if i % 2 == 0 else [])
        add(name, unit, industry, nature, ownership, tiers, "在建", 2021, rng.randrange(20000, 200000) * 10000,
            "2022-03-01", "2022-04-18", unit_names.get(unit, ""), public=ownership == "国有")
    key_units = [c for c, _, _ in towns] + [c for c, _, _ in DEPARTMENTS] + ["G01", "Z01"]
    for i in range(76 - len(NAMED_KEY_PROJECTS)):
        unit = key_units[rng.randrange(len(key_units))]
        sector = rng.choice(["manufacturing", "tertiary", "tertiary", "primary"])
        word = rng.choice({"manufacturing": SECONDARY_WORDS, "tertiary": TERTIARY_WORDS,
                           "primary": PRIMARY_WORDS}[sector])
        tiers = ["重点项目"] + (["重大项目"] if rng.random() < 0.5 else []) + (["省重大项目"] if rng.random() < 0.15 else [])
        add(f"{unit_names.get(unit, '城发')}{word}重点工程({i + 1})", unit, rng.choice(codes_by_sector[sector]),
            rng.choice(["新建", "扩建", "改建和技术改造"]), rng.choice(["国有", "私人", "集体"]), tiers, "在建",
            rng.choice([2020, 2021]), rng.randrange(5000, 150000) * 10000, "2022-06-01", "2022-07-20")

    with open(os.path.join(out_dir, "projects.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    print(f"demo data: {len(rows)} projects, {19 + len(DEPARTMENTS) + len(OTHER_UNITS)} units -> {out_dir}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
