#!/usr/bin/env python3
"""Writes the demo data set of 龙泉市 (331181) as CSV files for `saimactl import`.

Deterministic: the same files on every run. The counts are those of the 2023 speech (DOMAIN.md §6):
19 乡镇(街道) and 27 市直单位 (plus 城发集团 and 开发区); last year's 95 + 250 planned projects; this year's 169
(一产 24, 二产 17 all 制造业, 三产 128); 76 key projects including the ones the speech names. The figures the
speech quotes are computed from these records by the services, never written here.

Usage: generate.py OUT_DIR
"""
import csv
import hashlib
import json
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


WAN = 10_000  # 元 per 万元

# The investment the speech reports for Jan–May, designed as cells of (category, ownership) in 万元: last year
# (2022-05) and this year (2023-05). The services compute every growth rate and rank from the records below;
# these targets only decide how much each record carries. Check: Σ last 258,400 → Σ this 298,700 (29.87亿, +15.6%);
# 民间 167,240 → 200,521 (+19.9%); 国有 91,160 → 98,179 (+7.7%); 工业技改 15,000 → 24,360 (+62.4%);
# 制造业 95,000 → 105,355 (+10.9%); 交通能源水利 30,000 → 62,580 (+108.6%); 高新 20,000 → 19,300 (−3.5%).
CELLS = {
    # cell: (last year 万元, this year 万元, ownership, nature, industry pool)
    "HT": (20_000, 19_300, "私人", "新建", "high_tech"),
    "REN": (15_000, 24_360, "私人", "改建和技术改造", "manufacturing"),
    "MFG": (60_000, 61_695, "私人", "扩建", "manufacturing"),
    "TEW": (30_000, 62_580, "国有", "新建", "tew"),
    "OTHER_PRIV": (72_240, 95_166, "私人", "新建", "tertiary"),
    "OTHER_STATE": (61_160, 35_599, "国有", "新建", "tertiary"),
}
JIANAN_GROWTH = 1.036  # 建安: +3.6%
# The seasonal shape of past years: the share of the year's investment reached by each month (December 1.0). May
# reached 41% in 2021 and 40% in 2022 (February–May of 2022 follow the demo's curve below); the year-end forecast
# learns from these.
SEASON = {
    2021: {2: 0.110, 3: 0.205, 4: 0.305, 5: 0.410, 6: 0.498, 7: 0.580, 8: 0.666, 9: 0.757, 10: 0.836, 11: 0.913},
    2022: {6: 0.490, 7: 0.575, 8: 0.665, 9: 0.760, 10: 0.840, 11: 0.915},
}
KEY_COMPLETION = 0.352  # 76 key projects: 35.2% of the annual plan

# Growth of the prefecture's other eight counties (%), entered by the bureau; the city's rank is computed.
PEERS = ["331102", "331121", "331122", "331123", "331124", "331125", "331126", "331127"]
PEER_GROWTH = {
    "固定资产投资": [12.1, 18.3, 9.7, 16.2, 11.0, 20.4, 8.8, 13.5],
    "建安投资": [5.1, 6.3, 7.8, 9.0, 12.4, 4.2, 8.8, -1.2],
    "高新技术产业投资": [2.5, -1.0, 6.4, 10.2, 0.8, 3.3, 15.0, -8.1],
    "制造业投资": [12.0, 15.5, 13.2, 18.9, 11.4, 20.1, 6.2, 3.4],
    "民间投资": [15.2, 22.0, 10.3, 17.8, 12.5, 25.1, 9.9, 14.0],
}

# Rate of a key project planned to start in December 2022 and still not started in May: it cannot be 入库 (no proven
# start) and reports nothing, yet its plan counts in the completion rates and it is 滞后 by the overdue-start rule
# (DOMAIN.md §8). The speech's figures come out the same only when statistics count such projects.
NOT_STARTED = 0.0

# Key projects the speech names: (name, unit, industry, nature, ownership, cell, status, 年度计划 万元, rate).
# The five lowest units of the speech hold one lagging project each, so their completion is that project's.
NAMED = [
    ("国镜药业年产2亿瓶口服溶液剂项目", "Z01", "2720", "新建", "私人", "HT", "较快", 9_000, 0.60),
    ("鹤思医疗注射器及输液器生产线项目", "Z01", "3584", "新建", "私人", "HT", "较快", 6_000, 0.58),
    ("城市文化客厅项目", "G01", "8870", "新建", "国有", "OTHER_STATE", "较快", 12_000, 0.62),
    ("南大洋水厂扩建增容工程", "D08", "4610", "扩建", "国有", "OTHER_STATE", "较快", 8_000, 0.56),
    ("水南未来社区水南地块项目", "331181002", "7010", "新建", "国有", "OTHER_STATE", "滞后", 10_000, 0.076),
    ("凤起路区块拆迁安置房项目", "D05", "4710", "新建", "国有", "OTHER_STATE", "滞后", 8_000, 0.023),
    ("浙大路安置房项目", "331181003", "4710", "新建", "国有", "OTHER_STATE", "滞后", 9_000, 0.094),
    ("中医医院迁建工程", "D10", "8412", "迁建", "国有", "OTHER_STATE", "滞后", 2_500, NOT_STARTED),
    ("公共卫生应急救治中心项目", "D10", "8411", "新建", "国有", "OTHER_STATE", "滞后", 2_000, NOT_STARTED),
    ("交通物流快递服务中心项目", "D07", "6020", "新建", "国有", "TEW", "滞后", 3_000, 0.05),
    ("小梅镇集镇综合体项目", "331181102", "7010", "新建", "集体", "OTHER_PRIV", "滞后", 6_000, 0.092),
    ("食用菌共富双创园项目", "D06", "0142", "新建", "集体", "OTHER_PRIV", "滞后", 6_000, 0.053),
]
# Units that hold only the named projects above: no other planned project may change their completion rate.
RESERVED_UNITS = {"D05", "D06", "D10", "331181002", "331181003", "331181102"}


def partition(rng, total, parts):
    """Splits an integer total into `parts` positive integers (random weights), exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    shares = [int(total * w / sum(weights)) for w in weights]
    shares[-1] += total - sum(shares)
    assert all(x > 0 for x in shares), (total, shares)
    return shares


class CountedProjects:
    """The projects in the statistical database (入库) with their plans and monthly figures for 2022 and 2023."""

    def __init__(self, rng, codes_by_sector, towns):
        self.rng = rng
        self.projects, self.ruku, self.plans, self.monthly, self.documents = [], [], [], [], []
        self.serial = 0
        pools = {
            "high_tech": [c for c in codes_by_sector["manufacturing"] if c[:2] in ("27", "39", "40") or c[:3] == "358"],
            # 25 (fuel processing) counts as 能源 and so stays out of the plain manufacturing cells.
            "manufacturing": [c for c in codes_by_sector["manufacturing"]
                              if not (c[:2] in ("25", "27", "39", "40") or c[:3] in ("358", "374"))],
            "tew": [c for c in codes_by_sector["tertiary"] if c[:2] in ("53", "54", "55", "58", "60", "76")],
            "tertiary": [c for c in codes_by_sector["tertiary"]
                         if c[:2] not in ("53", "54", "55", "56", "57", "58", "60", "76")],
        }
        self.pools = pools
        units = [c for c, _, _ in towns] + [c for c, _, _ in DEPARTMENTS] + ["G01", "Z01"]
        self.open_units = [u for u in units if u not in RESERVED_UNITS and u != "D04"]
        # cell → lists of (this-year 元, last-year 元) already placed
        self.placed = {cell: [0, 0] for cell in CELLS}
        self.series = []  # (code, planned_total, last_ytd 元, this_ytd 元, first_month_2023)

        key = []
        for name, unit, industry, nature, ownership, cell, status, plan, rate in NAMED:
            key.append(dict(name=name, unit=unit, industry=industry, nature=nature, ownership=ownership, cell=cell,
                            status=status, plan=plan * WAN, rate=rate))
        # 64 more key projects (48 正常, 16 预警) and 36 new 重大 projects (30 on time, 6 预警) in the open units.
        # Each cell gives them a share of its this-year amount; continuing projects carry the rest.
        generic_cells = ["MFG"] * 16 + ["REN"] * 6 + ["HT"] * 4 + ["TEW"] * 6 + ["OTHER_PRIV"] * 28 + ["OTHER_STATE"] * 4
        new_major_cells = ["TEW"] * 14 + ["REN"] * 3 + ["OTHER_PRIV"] * 10 + ["MFG"] * 9
        key_share = {"HT": 0.55, "REN": 0.45, "MFG": 0.45, "TEW": 0.30, "OTHER_PRIV": 0.45, "OTHER_STATE": 0.50}
        new_major_share = {"HT": 0.0, "REN": 0.30, "MFG": 0.15, "TEW": 0.45, "OTHER_PRIV": 0.15, "OTHER_STATE": 0.0}
        rng.shuffle(generic_cells)
        statuses = ["预警" if i % 4 == 3 else "正常" for i in range(len(generic_cells))]
        new_majors = []
        for cell in CELLS:
            this_wan = CELLS[cell][1]
            named_this = sum(k["plan"] * k["rate"] for k in key if k["cell"] == cell)
            members = [i for i, c in enumerate(generic_cells) if c == cell]
            budget = key_share[cell] * this_wan * WAN - named_this
            assert budget > 0, (cell, budget)
            weights = [rng.uniform(0.7, 1.3) for _ in members]
            for i, w in zip(members, weights):
                _, _, ownership, nature, pool = CELLS[cell]
                unit = self.open_units[i % len(self.open_units)]
                rate = rng.uniform(0.15, 0.28) if statuses[i] == "预警" else rng.uniform(0.36, 0.46)
                ytd = budget * w / sum(weights)
                key.append(dict(name=f"{unit_label(unit)}{rng.choice(WORDS_BY_POOL[pool])}重点工程({i + 1})",
                                unit=unit, industry=rng.choice(pools[pool]), nature=nature, ownership=ownership,
                                cell=cell, status=statuses[i], plan=round(ytd / rate / WAN) * WAN, rate=rate))
            nm_members = [i for i, c in enumerate(new_major_cells) if c == cell]
            nm_weights = [rng.uniform(0.7, 1.3) for _ in nm_members]
            for i, w in zip(nm_members, nm_weights):
                ytd = new_major_share[cell] * this_wan * WAN * w / sum(nm_weights)
                new_majors.append((i, cell, ytd))
        # Aim the 正常 rates so that the 76 together complete KEY_COMPLETION of their plan.
        # Scale the 正常 rates, keeping each inside its band (31.67%–51.67%, with a margin); a few rounds settle it.
        target = KEY_COMPLETION * sum(k["plan"] for k in key)
        for _ in range(20):
            free = [k for k in key if k["status"] == "正常" and 0.33 < k["rate"] < 0.50]
            fixed = sum(k["plan"] * k["rate"] for k in key if k not in free)
            factor = (target - fixed) / sum(k["plan"] * k["rate"] for k in free)
            for k in free:
                k["rate"] = min(0.50, max(0.33, k["rate"] * factor))
        for k in key:
            if k["status"] == "正常":
                assert 0.3167 < k["rate"] < 0.5166, (k["name"], k["rate"])
            k["ytd"] = round(k["plan"] * k["rate"] / 100) * 100
        # One 正常 project absorbs the rounding so that Σ ytd / Σ plan is KEY_COMPLETION to the 元.
        normal_keys = [k for k in key if k["status"] == "正常"]
        normal_keys[-1]["ytd"] += round(KEY_COMPLETION * sum(k["plan"] for k in key)) - sum(k["ytd"] for k in key)
        for k in key:
            tiers = ["重点项目"] + (["重大项目"] if rng.random() < 0.4 else [])
            last = round(k["ytd"] * rng.uniform(0.7, 1.1) / 100) * 100
            if k["rate"] == NOT_STARTED:
                self.place_not_started(k, tiers, plan=k["plan"])
                continue
            self.place(k, tiers, planning_year=rng.choice([2020, 2021]), start="2021-09-15", ruku="2021-10-20",
                       this_ytd=k["ytd"], last_ytd=last, plan=k["plan"], first_month=2)

        # The new 重大 projects started January to April 2023; the first six are behind (预警).
        for i, cell, ytd in sorted(new_majors):
            _, _, ownership, nature, pool = CELLS[cell]
            unit = self.open_units[(i * 7) % len(self.open_units)]
            rate = rng.uniform(0.15, 0.28) if i < 6 else rng.uniform(0.36, 0.50)
            month = 1 + i % 4
            this_ytd = round(ytd / 100) * 100
            k = dict(name=f"{unit_label(unit)}{rng.choice(WORDS_BY_POOL[pool])}新开工项目({i + 1})", unit=unit,
                     industry=rng.choice(pools[pool]), nature=nature, ownership=ownership, cell=cell)
            self.place(k, ["重大项目"], planning_year=2021, start=f"2023-{month:02d}-10", ruku=f"2023-{month:02d}-20",
                       this_ytd=this_ytd, last_ytd=0, plan=round(this_ytd / rate / WAN) * WAN,
                       first_month=max(2, month))

        # Continuing projects (续建, no plan this year) carry the rest of each cell.
        for cell, (last_wan, this_wan, ownership, nature, pool) in CELLS.items():
            rest_this = this_wan * WAN - self.placed[cell][0]
            rest_last = last_wan * WAN - self.placed[cell][1]
            assert rest_this > 0 and rest_last > 0, (cell, rest_this, rest_last)
            parts = 8
            # Paired by size, so that each project grows about as its cell does (核实性审核 would rightly flag a
            # project whose month jumped to several times its own history).
            this_parts, last_parts = sorted(partition(rng, rest_this, parts)), sorted(partition(rng, rest_last, parts))
            for j, (t, l) in enumerate(zip(this_parts, last_parts)):
                unit = self.open_units[(j * 11 + len(cell)) % len(self.open_units)]
                k = dict(name=f"{unit_label(unit)}{rng.choice(WORDS_BY_POOL[pool])}续建项目({cell[:3]}{j + 1})",
                         unit=unit, industry=rng.choice(pools[pool]), nature=nature, ownership=ownership, cell=cell)
                self.place(k, [], planning_year=2020, start="2020-11-01", ruku="2020-12-15", this_ytd=t,
                           last_ytd=l, plan=None, first_month=2)
        self.check()

    def place(self, k, tiers, planning_year, start, ruku, this_ytd, last_ytd, plan, first_month):
        self.serial += 1
        code = f"{planning_year}-{CITY}-{(self.serial % 30) + 1:02d}-0{(self.serial % 4) + 1}-{70000 + self.serial:05d}{self.serial % 10}"
        # Planned projects are large (206-1 form); some continuing ones are below 5000万 (206-2 form).
        if plan is None:
            planned_total = (this_ytd + last_ytd) * 6 + 10_000_000
        else:
            planned_total = max(plan, this_ytd + last_ytd) * 4 + 50_000_000
        self.projects.append(dict(name=k["name"], unit=k["unit"], industry=k["industry"], nature=k["nature"],
                                  ownership=k["ownership"], tiers=tiers, stage="在建", year=planning_year,
                                  total=planned_total, planned_start=start, actual_start=start,
                                  location=unit_label(k["unit"]), code=code))
        dept = {"TEW": "D07", "OTHER_STATE": "D03", "OTHER_PRIV": "D01"}.get(k["cell"], "D02")
        self.ruku.append([code, dept, ruku])
        self.add_documents(code, planned_total, ruku, unit_label(k["unit"]))
        if plan is not None:
            self.plans.append([code, 2023, plan])
        self.placed[k["cell"]][0] += this_ytd
        self.placed[k["cell"]][1] += last_ytd
        self.series.append((code, planned_total, last_ytd, this_ytd, first_month, plan is None))

    def planted_anomalies(self):
        """Three continuing projects whose 2023 figures 核实性审核 flags, each with its unit's 说明; May's 自年初累计 (all
        the speech's figures read) stays as it is. Returns code → (ytd by month, 说明 by month)."""
        def round100(x):
            return round(x / 100) * 100

        def may_payment(t):  # HS01: the month of May far above the project's own history
            return {2: round100(t * 0.12), 3: round100(t * 0.16), 4: round100(t * 0.20), 5: t}, \
                {5: "5月支付主体设备采购款，当月投资集中入账"}

        def march_settlement(t):  # HS05: the quarter's last month against January–February
            return {2: round100(t * 0.06), 3: round100(t * 0.70), 4: round100(t * 0.85), 5: t}, \
                {3: "一季度末集中结算土建工程进度款"}

        def fixed_instalments(t):  # HS04: the same amount three months running (the bureau dismisses it)
            m = round100(t * 0.2)
            return {2: t - 3 * m, 3: t - 2 * m, 4: t - m, 5: t}, {5: "按施工合同约定每月支付固定进度款"}

        candidates = [code for code, _, last, this, _, continuing in self.series
                      if continuing and last and 0.8 * last <= this <= 1.5 * last]
        return dict(zip(candidates, [may_payment, march_settlement, fixed_instalments]))

    def place_not_started(self, k, tiers, plan):
        """A planned key project that has not started: not 入库, no figures, only its annual plan."""
        self.serial += 1
        code = f"2022-{CITY}-{(self.serial % 30) + 1:02d}-0{(self.serial % 4) + 1}-{70000 + self.serial:05d}{self.serial % 10}"
        self.projects.append(dict(name=k["name"], unit=k["unit"], industry=k["industry"], nature=k["nature"],
                                  ownership=k["ownership"], tiers=tiers, stage="前期", year=2022,
                                  total=plan * 4 + 50_000_000, planned_start="2022-12-01", actual_start="",
                                  location=unit_label(k["unit"]), code=code))
        self.plans.append([code, 2023, plan])

    def add_documents(self, code, planned_total, date, place):
        """The materials 入库 requires (DOMAIN.md §4): photo, contract, approval; from 1亿 also permit, design, study."""
        materials = ["现场照片", "施工合同", "项目审批核准备案文件"]
        if planned_total >= 100_000_000:
            materials += ["施工许可证", "设计文件", "可研报告"]
        for kind in materials:
            digest = hashlib.sha256(f"{code}:{kind}".encode()).hexdigest()
            photo = kind == "现场照片"
            self.documents.append([code, kind, "" if photo else f"龙{len(self.documents):04d}号",
                                   "" if photo else "龙泉市发展和改革局", date[:8] + "01", digest,
                                   f"demo://{code}/{digest[:12]}", "", f"{date}T10:00:00+08:00" if photo else "",
                                   place if photo else ""])

    def check(self):
        for cell, (last_wan, this_wan, *_rest) in CELLS.items():
            assert self.placed[cell] == [this_wan * WAN, last_wan * WAN], (cell, self.placed[cell])

    def write(self, out_dir):
        rng = self.rng
        last_total = sum(s[2] for s in self.series)
        this_total = sum(s[3] for s in self.series)
        ja_last_share = 0.60
        ja_this_share = JIANAN_GROWTH * ja_last_share * last_total / this_total
        curve = {2: 0.34, 3: 0.58, 4: 0.80, 5: 1.0}
        rows = []
        planted = self.planted_anomalies()
        for code, planned_total, last_ytd, this_ytd, first_month, continuing in self.series:
            base = planned_total // 5
            # The full year 2022 (May is 40% of it) and, for the continuing projects, 2021 before it: the seasonal
            # shape the year-end forecast learns from (SEASON). Each month's share differs from its neighbours', so
            # that no amount repeats (核实性审核 HS04).
            year_2022 = last_ytd * 5 // 2
            year_2021 = min(2 * last_ytd, base * 9 // 10) if continuing and last_ytd else 0
            years = []
            if year_2021:
                years.append((2021, {m: round(year_2021 * SEASON[2021][m] / 100) * 100 for m in range(2, 12)} |
                              {12: year_2021}, base - year_2021, ja_last_share, 2, {}))
            if last_ytd:
                ytd_2022 = {m: last_ytd if m == 5 else round(last_ytd * curve[m] / 100) * 100 for m in range(2, 6)}
                ytd_2022 |= {m: round(year_2022 * SEASON[2022][m] / 100) * 100 for m in range(6, 12)}
                years.append((2022, ytd_2022 | {12: year_2022}, base, ja_last_share, 2, {}))
            if this_ytd:
                ytd_2023, notes = {}, {}
                # A project started this year invests a little more each month (never the same amount twice).
                weights = [1 + 0.25 * k for k in range(6 - first_month)]
                for month in range(first_month, 6):
                    fraction = curve[month] if first_month == 2 else \
                        sum(weights[:month - first_month + 1]) / sum(weights)
                    ytd_2023[month] = this_ytd if month == 5 else round(this_ytd * fraction / 100) * 100
                if code in planted:
                    ytd_2023, notes = planted[code](this_ytd)
                years.append((2023, ytd_2023, base + year_2022, ja_this_share, first_month, notes))
            for year, ytds, since_base, share, start_month, notes in years:
                previous = 0
                for month in range(start_month, 13):
                    if month not in ytds:
                        break
                    ytd = ytds[month]
                    ja = round(ytd * share / 100) * 100
                    construction = round(ja * 5 / 6 / 100) * 100
                    equipment = round(ytd * 0.25 / 100) * 100
                    other = ytd - ja - equipment
                    rows.append([code, f"{year}-{month:02d}", ytd - previous, ytd, construction, ja - construction,
                                 equipment, other, since_base + ytd, notes.get(month, "")])
                    previous = ytd
        with open(os.path.join(out_dir, "ruku.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["项目代码", "主管部门", "入库日期", "目标状态", "原因"])
            w.writerows([r + ["已入库", ""] if len(r) == 3 else r for r in self.ruku])
        with open(os.path.join(out_dir, "documents.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["项目代码", "材料类型", "文号", "发文机关", "日期", "内容SHA256", "存储位置", "说明", "拍摄时间", "拍摄地点"])
            w.writerows(self.documents)
        with open(os.path.join(out_dir, "plans.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["项目代码", "年度", "年度计划投资(元)"])
            w.writerows(self.plans)
        with open(os.path.join(out_dir, "monthly.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["项目代码", "报告期", "本月完成投资(元)", "自年初累计(元)", "建筑工程(元)", "安装工程(元)",
                        "设备工器具购置(元)", "其他费用(元)", "自开始建设累计(元)", "说明"])
            w.writerows(rows)
        with open(os.path.join(out_dir, "peers.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["行政区划代码", "报告期", "指标", "同比增速(%)"])
            for indicator, growths in PEER_GROWTH.items():
                for region, growth in zip(PEERS, growths):
                    w.writerow([region, "2023-05", indicator, f"{growth:.1f}"])


WORDS_BY_POOL = {}
UNIT_LABELS = {}


def unit_label(unit):
    return UNIT_LABELS.get(unit, unit)


JUDGES = {
    2022: [("judge-2022-01", "周建华", "市委副书记、市长", ""), ("judge-2022-02", "吴立新", "常务副市长", ""),
           ("judge-2022-03", "郑国庆", "发展和改革局局长", "D01"), ("judge-2022-04", "孙丽萍", "统计局局长", "D04"),
           ("judge-2022-05", "钱伟", "住房和城乡建设局局长", "D03"), ("judge-2022-06", "何晓东", "{t0}党工委书记", "{c0}"),
           ("judge-2022-07", "许文斌", "{t1}党委书记", "{c1}")],
    2023: [("judge-2023-01", "王建国", "市委副书记、市长", ""), ("judge-2023-02", "李秀英", "常务副市长", ""),
           ("judge-2023-03", "陈志强", "副市长", ""), ("judge-2023-04", "郑国庆", "发展和改革局局长", "D01"),
           ("judge-2023-05", "孙丽萍", "统计局局长", "D04"), ("judge-2023-06", "刘振华", "经济和信息化局局长", "D02"),
           ("judge-2023-07", "何晓东", "{t0}党工委书记", "{c0}"), ("judge-2023-08", "林海", "{t2}党委书记", "{c2}"),
           ("judge-2023-09", "黄志远", "{t3}党委书记", "{c3}")],
}
CRITERIA = ["项目谋划", "投资进度", "质量效益", "创新亮点"]


def write_contest(out_dir, towns, rows, documents):
    """The contest of 2022 and 2023: campaigns, judges, nominations and every judge's score sheets.

    Every unit takes part in one pool (19 乡镇(街道) and 27 市直单位); a judge has no sheet for their own unit (回避).
    The results are computed by the scoring service from these sheets; nothing here is a result.
    """
    rng = random.Random(20230601)
    folder = os.path.join(out_dir, "contest")
    os.makedirs(folder, exist_ok=True)
    units = [c for c, _, _ in towns] + [c for c, _, _ in DEPARTMENTS]
    names = {f"t{i}": towns[i][1] for i in range(4)}
    names.update({f"c{i}": towns[i][0] for i in range(4)})
    docs = {}
    for d in documents:
        docs.setdefault(d[0], set()).add(d[1])

    def eligible(row, since, until):
        return (row[7] == "在建" and row[0] and row[2] in units and (row[4] in ("新建", "改建和技术改造") or row[16] == "是")
                and since <= row[11] <= until and {"项目审批核准备案文件", "施工许可证"} <= docs.get(row[0], set()))

    for year, since, period in ((2022, "2021-06-01", "2022-05"), (2023, "2022-06-01", "2023-05")):
        campaign = {"year": year, "name": f"{year}年度项目建设“互看互学·互比互评”活动", "figuresPeriod": period,
                    "eligibleSince": since, "method": "AGGREGATION_METHOD_TRIMMED_MEAN",
                    "pools": [{"poolId": "all", "name": "乡镇(街道)与市直单位同台比拼", "unitIds": units}]}
        with open(os.path.join(folder, f"campaign-{year}.json"), "w", encoding="utf-8") as f:
            json.dump(campaign, f, ensure_ascii=False, indent=2)
        judges = [(j, n, t.format(**names), u.format(**names)) for j, n, t, u in JUDGES[year]]
        with open(os.path.join(folder, f"judges-{year}.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["评委编号", "姓名", "职务", "所在单位"])
            w.writerows(judges)
        # One observation project for each of the first units with an eligible one; in 2023 also last year's
        # selection again (refused: shown before) and a project without its construction permit.
        chosen, seen = [], set()
        for row in rows:
            if eligible(row, since, period + "-31") and row[2] not in seen and len(chosen) < 12:
                chosen.append(row[0])
                seen.add(row[2])
        if year == 2023:
            chosen.append(write_contest.selected_2022[0])
            chosen.extend([r[0] for r in rows if r[7] == "在建" and r[0] and "施工许可证" not in docs.get(r[0], set())
                           and r[11] >= since][:1])
        else:
            write_contest.selected_2022 = chosen
        with open(os.path.join(folder, f"nominations-{year}.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(chosen) + "\n")
        quality = {u: rng.randrange(66, 93) for u in units}
        with open(os.path.join(folder, f"sheets-{year}.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["评委编号", "单位代码"] + CRITERIA)
            for judge, _, _, own in judges:
                for unit in units:
                    if unit == own:
                        continue  # 回避
                    w.writerow([judge, unit] + [max(0, min(100, quality[unit] + rng.randrange(-6, 7)))
                                                for _ in CRITERIA])


# 月调度 on the projects the speech names as 滞后: what holds each back (要素保障), who solves it and by when; the
# supervision orders the 发改局 issued after April's dispatch; the decisions of the May meeting.
PROBLEMS = [
    ("水南未来社区水南地块项目", "PROBLEM_KIND_RELOCATION", "水南地块剩余12户征迁协议未签订", "331181002", "陈建平",
     "2023-05-15", "2023-03-18"),
    ("水南未来社区水南地块项目", "PROBLEM_KIND_FUNDS", "未来社区专项债资金未到位", "D18", "吴晓燕", "2023-06-30", "2023-04-20"),
    ("凤起路区块拆迁安置房项目", "PROBLEM_KIND_RELOCATION", "凤起路区块拆迁扫尾, 3户未腾空", "331181001", "李明",
     "2023-04-30", "2023-03-10"),
    ("浙大路安置房项目", "PROBLEM_KIND_LAND", "二期用地指标未落实", "D05", "王磊", "2023-06-15", "2023-04-05"),
    ("中医医院迁建工程", "PROBLEM_KIND_APPROVAL", "初步设计概算调整待审批", "D01", "郑国庆", "2023-05-20", "2023-03-25"),
    ("公共卫生应急救治中心项目", "PROBLEM_KIND_FUNDS", "中央预算内投资未下达", "D01", "郑国庆", "2023-06-30",
     "2023-04-12"),
    ("交通物流快递服务中心项目", "PROBLEM_KIND_LAND", "林地使用手续未办结", "D21", "叶青", "2023-05-31", "2023-04-08"),
    ("小梅镇集镇综合体项目", "PROBLEM_KIND_CONSTRUCTION", "施工单位力量不足, 进度滞后", "D03", "周海涛", "2023-05-10",
     "2023-03-28"),
    ("安仁镇食用菌共富双创园项目", "PROBLEM_KIND_ENERGY", "冷库能耗指标待核定", "D02", "刘振华", "2023-06-20", "2023-04-25"),
]
ORDERS = [
    ("水南未来社区水南地块项目", "5月15日前完成剩余征迁, 5月底前地块交付施工", ["征迁协议全部签订", "地块交付施工"],
     ["2023-05-15", "2023-05-31"], "龙渊街道 陈建平"),
    ("凤起路区块拆迁安置房项目", "4月底前完成拆迁扫尾, 5月全面施工", ["拆迁扫尾完成", "主体全面施工"],
     ["2023-05-10", "2023-06-15"], "龙渊街道 李明"),
    ("中医医院迁建工程", "概算调整5月底前批复, 6月完成主体招标", ["概算调整批复", "主体工程招标"],
     ["2023-05-31", "2023-06-30"], "卫生健康局 何丽"),
    ("小梅镇集镇综合体项目", "更换施工班组, 6月底前形象进度达到50%", ["增加施工班组", "形象进度50%"],
     ["2023-05-20", "2023-06-30"], "小梅镇 林海"),
]
DECISIONS = [
    ("水南未来社区水南地块项目", "由市领导牵头召开征迁专题会, 6月10日前完成全部签约", "王建国", "2023-06-10"),
    ("浙大路安置房项目", "自然资源和规划局优先保障二期用地指标", "王磊", "2023-06-15"),
    ("中医医院迁建工程", "发改局6月5日前完成概算调整审查", "郑国庆", "2023-06-05"),
]


def write_dispatch(out_dir, rows):
    named = {r[1]: r[0] for r in rows if r[0]}

    def code_of_name(name):  # the anonymised ones lost their township prefix
        return named.get(name) or next(c for n, c in named.items() if n.endswith("项目") and n in name)

    code_of = {name: code_of_name(name) for name in {p[0] for p in PROBLEMS} | {o[0] for o in ORDERS}}
    doc = {"problems": [], "orders": [], "decisions": []}
    for name, kind, text, unit, person, deadline, opened in PROBLEMS:
        doc["problems"].append({"projectCode": code_of[name], "kind": kind, "description": text,
                                "responsibleUnitId": unit, "responsiblePerson": person, "deadline": deadline,
                                "openedDate": opened})
    for name, task, nodes, dates, owner in ORDERS:
        doc["orders"].append({"projectCode": code_of[name], "task": task,
                              "timetable": [{"title": t, "dueDate": d} for t, d in zip(nodes, dates)],
                              "roadmap": ["责任单位制定攻坚方案", "每周报送进展", "月调度会通报"],
                              "ownerName": owner, "reason": "2023年4月 滞后", "issuedDate": "2023-04-28"})
    for name, text, owner, deadline in DECISIONS:
        doc["decisions"].append({"projectCode": code_of[name], "period": "2023-05", "text": text, "ownerName": owner,
                                 "deadline": deadline})
    with open(os.path.join(out_dir, "dispatch-2023.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=2)


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(20230531)
    codes = Codes()
    codes_by_sector = industries()
    towns = townships()
    UNIT_LABELS.update({c: n for c, n, _ in towns})
    UNIT_LABELS.update({c: n for c, n, _ in DEPARTMENTS})
    UNIT_LABELS.update({c: n for c, n, _ in OTHER_UNITS})
    WORDS_BY_POOL.update(high_tech=["生物医药生产线", "电子元器件生产线", "精密仪器研发制造"],
                         manufacturing=SECONDARY_WORDS, tew=["公路改建", "水利枢纽", "物流枢纽", "客运站改造"],
                         tertiary=TERTIARY_WORDS)

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
            location="", renovation=False, public=False, code=None):
        if code is None:
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

    counted = CountedProjects(rng, codes_by_sector, towns)
    for project in counted.projects:
        add(**project)

    # Applications in every state of the workflow, on projects of last year's list that have started: the 入库
    # queue has something in each column, and the rest of those projects show in 应统尽统 as missing.
    targets = ["草稿", "已提交", "主管部门已审核", "统计局审核中", "退回补正", "不予入库", "已提交", "主管部门已审核"]
    started = [r for r in rows if r[7] == "在建" and r[8] == 2022 and r[0]][:len(targets)]
    reasons = {"退回补正": "现场照片未显示开工日期, 请补充带日期的现场照片", "不予入库": "经核查项目尚未实际开工建设"}
    for row, target in zip(started, targets):
        counted.ruku.append([row[0], "D01", "", target, reasons.get(target, "")])
        counted.add_documents(row[0], row[9], "2022-10-20", row[14] or row[2])
    with open(os.path.join(out_dir, "projects.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    counted.write(out_dir)
    write_contest(out_dir, towns, rows, counted.documents)
    write_dispatch(out_dir, rows)
    print(f"demo data: {len(rows)} projects, {19 + len(DEPARTMENTS) + len(OTHER_UNITS)} units -> {out_dir}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
