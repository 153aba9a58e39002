"""Page -> articles on the real seeds, checked against a careful reading of each printed page."""

from __future__ import annotations

import pytest

P0, P1, P2, P3, P4 = (
    "000_8eb6f9117185c38f.txt", "001_127d583f3f2c5906.txt", "002_0a315fe500ec3c7f.txt",
    "003_c9ec65179e6f0b8a.txt", "004_9f869ed33b462fbe.txt",
)

EXPECTED_TITLES = {
    P0: ["青岛“好戏”，香港“上映”", "青岛3·15国际消费者权益日纪念大会召开", "发挥独特优势 积极献计出力",
         "33.6%的青岛居民 提升购车意愿", "青岛26条“新政”加快推进新型工业化", "前2个月青岛市进出口1258亿元",
         None],  # the continuation from page one lost its title
    P1: ["22个央地合作项目 在青签约", "“科创中国” 科技服务团服务青岛", "青岛推进海洋牧场 与休闲旅游融合发展",
         "青岛推进老城区申遗 实现城市文脉传承", "西海岸新区宝山镇获评 全国“一村一品”示范镇", "以模式创新保持引领优势",
         "华夏基石(青岛)国际时尚产业峰会举行", "胶东经济圈一体化发展全面起势"],
    P2: ["青岛打造世界工业互联网之都", "青岛发挥人大代表作用促进高质量发展", "胶东经济圈启动文旅一体化",
         "海信携手阿里“合伙”出海", "“关税e贷”落地青岛"],
    P3: ["向“新”向“高”向“绿”，加快发展先进制造业", "青岛应急管理系统做好节后企业开工安全生产工作",
         "项目是否碰了生态“线” 智慧平台可以提前查", "凤麟核获批国家重点研发计划项目", "稳扎稳打有干头·打头阵当先锋",
         "“温暖”的秘密：大数据+勤跑腿"],
    P4: ["曾赞荣会见王国强一行", "聚焦学习贯彻习近平新时代中国特色社会主义思想 青岛市举办宣讲报告会",
         "青岛商协会：产业升级“新引擎”", "推动制造业产业链现代化", "全市新型智库工作会议召开",
         "青岛市第十八届职业技能大赛将于9日启动", "2026年青岛市未成年人“清明祭英烈”活动举行",
         "韩国庆尚南道农水产食品出口洽谈会在青举行", "OPC新赛道:走向“链上共生”"],
}

# Titles lost on the printed page and derived from the first sentence.
DERIVED_TITLES = {(P0, 1), (P0, 6)}

# (page, article index, a sentence that must be in the body, texts that must not be in the body)
BODY_CHECKS = [
    (P0, 0, "《流浪地球》《封神》《万里归途》《热辣滚烫》《南来北往》等多部优秀影视作品在此拍摄。",
     ["山东馆亮相香港国际影视展", "12日下午，青岛3·15"]),
    (P0, 0, "已有包括《刺杀小说家》《莫斯科行动》《涉过愤怒的海》《问心》《不完美受害人》等200余个影视综项目在此拍摄", []),
    (P0, 1, "83家单位荣获山东省放心消费示范单位", ["吴 帅", "发挥独特优势"]),
    (P0, 3, "61.5%的受访者在新能源车选择上更青睐新能源汽车", ["企业建设大模型每年最高补助300万元"]),
    (P0, 4, "支持科技创新培育发展新质生产力", ["□青岛日报"]),
    (P0, 5, "对东盟、欧盟、美国进出口保持增长。前2个月，对东盟、欧盟、美国、日本分别进出口179.7亿元", []),
    (P0, 5, "其中，家用电器出口57.9亿元，增长23.5%", ["（上接第一版）", "满足用户多品种"]),
    (P0, 6, "满足用户多品种、小批量的生产需求。", ["（上接第一版）", "创新，再创新\n", "前2个月"]),
    (P0, 6, "未来这一‘5G+智能检测”场景可以在家电、汽车等更多行业", []),
    (P1, 0, "22个央地合作项目进行现场签约,总投资达到292亿元", ["本报青岛讯", "□记者"]),
    (P1, 4, "2019年,全镇蓝莓产值达5亿元。", ["更多内容请关注"]),
    (P1, 5, "为用户创造价值,被认为是卡奥斯的“立身之本”。", ["中、意两国时装设计大师设计的“丝绸之路”主题服装亮相", "□记者 薄克国"]),
    (P1, 6, "作为青岛最时尚的城区,市南区支持鼓励时尚商业", []),
    (P1, 7, "胶东经济圈有望成为我国北方工业设计发展的重要集聚区和发源地", ["产业创新协同共进\n"]),
    (P2, 0, "青岛特来电建设智能充电网，所有充电桩接入平台，实现充电智能调度", ["资料图片", "▲", "青岛农商银行", "（赵伟 袁鹏 马晓伟）"]),
    (P2, 1, "截至5月上旬，各级人大代表共反馈意见建议414件", ["青帆", "胶东经济圈启动文旅一体化"]),
    (P2, 2, "胶东经济圈文化旅游合作联盟成立揭牌", ["海信"]),
    (P2, 3, "俄罗斯市场销量更是同比暴涨220倍", ["（本栏目整理：赵伟）"]),
    (P2, 4, "与此前银行申请抵押贷款不同的是，基于海关纳税数据", []),
    (P2, 4, "青岛农商银行近年来线上信贷业务及国际业务取得长足进步", ["（赵伟 袁鹏 马晓伟）"]),
    (P3, 0, "面向未来，青岛高新区在持续推动创新链、产业链、人才链、资金链深度融合", ["聚焦安全生产"]),
    (P3, 0, "因此，在以存量更新为主的 market 环境下，高端化是产业升级的必经之路。", []),
    (P3, 4, "58个过亿元项目整体进展顺利，完成投资94.17亿元", ["青岛绿沃川农业科技有限公司的高科技草莓大棚"]),
    (P3, 5, "有时候家里坏了水龙头还是找他。", ["新春走基层"]),
    (P4, 1, "历经11年考取三所大学四个文凭的励志故事", []),
    (P4, 2, "是行业商协会在资源整合能力上的持续拓展。", ["中模聚享平台展厅展示的青岛模具企业的产品", "青报观察"]),
    (P4, 2, "推动区域仪器仪表产业集群智能化渗透率3年内超50%", []),
    (P4, 4, "会议指出,要加强社科数智赋能,探索打造全市社科服务管理数字平台", []),
    (P4, 7, "洽谈会期间,3家庆尚南道农水", ["OPC"]),
    (P4, 8, "对于个体创业者而言,创意与勇气并非难题", []),
]


@pytest.mark.parametrize("page", sorted(EXPECTED_TITLES))
def test_titles_in_page_order(seed_docs, page):
    articles = seed_docs[page].articles
    expected = EXPECTED_TITLES[page]
    assert len(articles) == len(expected), [a.title for a in articles]
    for n, (art, title) in enumerate(zip(articles, expected)):
        if title is None:
            assert art.title_derived and art.title
        else:
            assert art.title == title
            assert art.title_derived == ((page, n) in DERIVED_TITLES)


@pytest.mark.parametrize("page,index,inside,outside", BODY_CHECKS,
                         ids=[f"{c[0][:3]}-{c[1]}-{n}" for n, c in enumerate(BODY_CHECKS)])
def test_article_bodies(seed_docs, page, index, inside, outside):
    body = seed_docs[page].articles[index].body
    assert inside in body
    for text in outside:
        assert text not in body


def test_header_fields(seed_docs):
    a = seed_docs[P0].articles[0]
    assert a.subtitle == "“世界电影之都”青岛影视推介会登陆香港国际影视展"
    assert a.reporters == ("米荆玉", "王若昕")
    assert (a.dateline, a.month, a.day) == ("本报3月12日讯", 3, 12)
    assert a.captions == ("■山东馆亮相香港国际影视展。",)
    assert seed_docs[P0].articles[3].kicker.startswith("调研显示：")
    assert seed_docs[P1].articles[0].dateline == "本报青岛讯 11月24日"
    assert seed_docs[P1].articles[5].kicker.endswith("提出——")
    assert seed_docs[P2].articles[3].dateline == "本报电 5月20日"
    assert seed_docs[P2].articles[3].byline == ""
    assert seed_docs[P3].articles[1].kicker == "聚焦安全生产"
    assert seed_docs[P3].articles[1].subtitle == "上好开工“第一课” 筑牢防线护航生产"
    assert seed_docs[P3].articles[1].reporters == ("梁超",)


def test_derived_title_for_byline_without_title(seed_docs):
    art = seed_docs[P0].articles[1]
    assert art.title_derived
    assert art.reporters == ("吴帅",)


def test_title_after_body_with_author_below(seed_docs):
    art = seed_docs[P2].articles[1]
    assert art.byline == "青帆"
    assert art.body.startswith("当前，上合峰会之后的青岛")


def test_section_headings_are_not_articles(seed_docs):
    assert seed_docs[P1].articles[7].headings == ("产业创新协同共进", "对外开放携手共赢", "公共服务便利共享")
    assert seed_docs[P2].articles[0].headings == ("抢抓风口", "生态初具", "打造平台")
    assert "创新，再创新" in seed_docs[P0].articles[6].headings
    assert "让OPC与主导产业同频共振" in seed_docs[P4].articles[8].headings


def test_captions_and_boilerplate_kept_apart(seed_docs):
    assert seed_docs[P1].articles[4].boilerplate == ("更多内容请关注大众报业·大众日报客户端青岛频道",)
    assert len(seed_docs[P2].articles[0].captions) == 5
    assert "（上接第一版）" in seed_docs[P0].articles[6].boilerplate
    assert seed_docs[P3].articles[4].captions == ("■青岛绿沃川农业科技有限公司的高科技草莓大棚采用立体式种植。",)


def test_summary_bullets_belong_to_article(seed_docs):
    bullets = [p for p in seed_docs[P3].articles[4].paragraphs if p.kind == "bullet"]
    assert len(bullets) == 2
    assert any(p.kind == "bullet" and "中模聚享" not in p.text for p in seed_docs[P4].articles[2].paragraphs)


def test_offsets_point_into_the_original(seed_docs):
    for doc in seed_docs.values():
        for art in doc.articles:
            assert 0 <= art.start < art.end <= len(doc.source.text)
            for para in art.paragraphs:
                assert "".join(doc.source.text[s:e] for s, e in para.spans) == para.text


def test_ids_stable_across_runs(seed_docs, seeds_dir):
    from rag.ingest import ingest_paths

    again, _ = ingest_paths([seeds_dir])
    assert [a.id for d in again for a in d.articles] == [a.id for d in seed_docs.values() for a in d.articles]
    assert [c.id for d in again for c in d.chunks] == [c.id for d in seed_docs.values() for c in d.chunks]
    ids = [a.id for d in again for a in d.articles]
    assert len(ids) == len(set(ids))
