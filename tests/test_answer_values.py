"""Typed short answers found in news sentences: names written the foreign way, quantities in Chinese numerals,
fractions, date spans, grades, and posts that are not the one asked (名誉馆长 for 馆长)."""

import pytest

from rag.answer.extractive import answer_extractively, short_answer
from rag.answer.focus import analyze_focus, event_in
from rag.answer.judge import judge
from rag.answer.question_type import classify_question
from rag.answer.values import person_values, place_values
from tests.passages import passage

CASES = [
    # a transliterated name after a post, and one before the post it takes
    ("俄罗斯科学院远东研究所日本研究中心主任是谁？", "俄罗斯科学院远东研究所日本研究中心主任瓦列里•基斯塔诺夫告诉该媒体，日本媒体不提美国。",
     "瓦列里•基斯塔诺夫"),
    ("成都大运会博物馆开馆仪式上，由谁出任名誉馆长？", "并由国际大体联代理主席雷诺·艾德出任名誉馆长。", "雷诺·艾德"),
    # a Latin name; 公司 points back to the article and names no other owner
    ("表示将继续投资扩大HBM3产能的公司首席财务官是谁？", "SK海力士首席财务官Kim Woohyun表示，将继续投资扩大HBM3芯片的产能。", "Kim Woohyun"),
    # the owner's last word in the post's chain (商会), the rest said earlier in the article
    ("浙江湖州市江苏商会的会长是谁？", "商会会长陈友祥、执行会长吉祖兴、常务会长王海蛟等参加了活动。", "陈友祥"),
    ("李凯尔拥有多少中国血统？", "来自NBA森林狼队的李凯尔拥有八分之一的中国血统。", "八分之一"),
    ("南海伏季休渔一共要持续多长时间？", "为期三个半月的南海伏季休渔期即将结束。", "三个半月"),
    ("戴口罩男子说自己买票花了多少钱？", "戴口罩的大哥说自己花两千块钱坐高铁，只提供一顿餐食。", "两千块钱"),
    ("社区干部学院累计培训了多少人次学员？", "学院共举办线上线下培训班200余期，累计培训学员12万人次。", "12万人次"),
    ("水利部针对江西、浙江、福建等几个省启动了应急响应？", "水利部针对江西、浙江、福建等7省启动洪水防御Ⅳ级应急响应。", "7省"),
    ("湿地公园暂停内湖游船运输服务的是哪几天？", "湿地公园于7月28日至7月29日暂停内湖游船运输服务。", "7月28日至7月29日"),
    ("动车组列车的正餐供应时间是几点到几点？", "正餐供应时间为11:30—13:00，以及17:30—19:00。", "11:30—13:00"),
    ("湿地公园哪天恢复迎客？", "7月暂停内湖游船运输服务后，湿地公园于30日恢复迎客。", "30日"),  # a day, not a month
    ("被偷的金弹子树在国家古树保护中算第几级？", "该金弹子树树龄超过百年，属于国家三级保护古树，价值5.4万元。", "三级"),
    # an order of magnitude is the answer when the article gives no more, kept whole (近万台, not 万台)
    ("工厂一天能生产出多少台洗衣机？", "这座工厂一天能生产近万台洗衣机。", "近万台"),
    # a post asked (担任什么职务) is answered by the post with its 副, not by the person
    ("Jeffrey Sherman在DoubleLine担任什么职务？", "在资产管理公司DoubleLine担任副首席投资官的Sherman说，美联储将降息。", "副首席投资官"),
    # 以什么为主题: the slogan between 以 and 为主题, without its quotes
    ("“第九届穗台青年论坛”以什么为主题？", "本届论坛以“食在广州·情动两岸”为主题，邀请两岸青年交流。", "食在广州·情动两岸"),
    # a place written as two names (district and spot) is one answer; the one after the 最 phrase answers 最
    ("北京那场雷阵雨里，哪个地方一小时降水强度最大？", "北京市平均降水量31.2毫米，最大小时降水强度出现在房山区南河，为62.6毫米/小时。", "房山区南河"),
    # a post early in a chain of posts names the person at its end; a name followed by any verb after its post
    ("威海市总工会常务副主席是谁？", "威海市总工会党组书记、常务副主席、一级调研员肖怡一行走访慰问快递员。", "肖怡"),
    ("达内教育集团的创始人、董事长是谁？", "达内教育集团创始人、董事长韩少云做客人民网。", "韩少云"),
    ("中信建投证券研究所所长是谁？", "中信建投证券研究所所长武超则主旨演讲。", "武超则"),
    # a body written as one dictionary word (北京市红十字会): its tail in the chain still names it
    ("北京市红十字会副会长是谁？", "市红十字会党组成员、副会长宋永红说，平台已上线。", "宋永红"),
    # a Latin name with a hyphen is whole; 行长表示 names no one
    ("伊拉克央行行长叫什么名字？", "伊拉克央行行长Ali Al-Allaq周三表示，贬值是暂时的。", "Ali Al-Allaq"),
    # a person asked by a role (女生) is named where the article says 她叫…
    ("漫展场馆外冒雨跪地救人的女生叫什么名字？", "她叫张欣羽，是2021级苏州大学临床医学专业硕士研究生。", "张欣羽"),
    # 多少只 and 多少米 want that unit: 五年 counts no birds and 0.50 measures no water level
    ("云南目前有多少只冠斑犀鸟？", "在云南持续监测五年，记录到冠斑犀鸟约60只。", "约60只"),
    ("牡丹江站的警戒水位是多少米？", "牡丹江站警戒水位229米，洪峰超出0.50。", "229米"),
    # a planned date is not the asked one: 改到哪天 is not answered by 原定29日
    ("横渡钱塘江活动延期后改到哪天举行？", "原定29日举行的活动延期，将于8月5日举行。", "8月5日"),
    # a road named by a verb (开拓路上), a theatre after a time word (20日晚在大宁剧院)
    ("那名水果商贩是在哪条路上摆摊时遭城管制止的？", "德凤镇一名一般的商贩在开拓路上摆摊卖水果，却遭到城管的制止。", "开拓路"),
    ("敖长生个人演唱会在哪个剧院举办？", "该演唱会将于8月20日晚在大宁剧院举办。", "大宁剧院"),
    # 多少股权 asks for a share, not a number of 股
    ("盈方微原拟购买华信科多少股权？", "购买其持有的深圳市华信科科技有限公司39%的股权。", "39%"),

    # 几级 wants a level: Ⅲ级 in Roman numerals, 15级 with its unit
    ("水利部对北京启动了几级洪水防御应急响应？", "针对北京、天津等六省市启动洪水防御Ⅲ级应急响应。", "Ⅲ级"),
    ("台风在福建登陆时中心附近最大风力有多少级？", "登陆时中心附近最大风力15级（50米/秒，强台风级）。", "15级"),
    # a work asked by 哪部 is named by its title, without the 《》
    ("街道集中观看了哪部警示教育片？", "街道集中观看警示教育片《扣好廉洁从政的“第一粒扣子”》。", "扣好廉洁从政的“第一粒扣子”"),
    # a labelled venue (演出场地：…) is the place; 哪个区 wants a 区, not the city
    ("儿童剧《阿拉丁神灯》在邢台的演出地点在哪里？", "演出场地：邢台襄都万达广场4层万达影城IMAX厅", "邢台襄都万达广场4层万达影城IMAX厅"),
    ("这起案件由深圳哪个区的法院审理？", "深圳市福田区人民法院审理认为，阿华应当拆除空调外机。", "福田区"),
    # 多少张, 比全国高多少, 已确认造成多少人死亡 (the confirmed figure, not 近100人)
    ("卡游动漫捐赠了多少张卡牌？", "卡游动漫向促进会捐赠卡牌100万张。", "100万张"),
    ("全省社会融资规模增速比全国高多少？", "全省社会融资规模同比增长13.4%，高于全国4.4个百分点。", "4.4个百分点"),
    ("毛伊岛山火已确认造成多少人死亡？", "山火已致近100人死亡，州长证实目前已确认山火导致96人死亡。", "96人"),
    # provinces go without 省; 比全国高多少 is a change, not a sum of money
    ("那段视频是哪个省的网友上传的？", "近日，黑龙江网友上传了一段视频。", "黑龙江"),
    ("截至6月末四川社会融资规模同比增长，比全国高多少？", "全省社会融资规模同比增长13.4%，高于全国4.4个百分点。", "4.4个百分点"),
    # 什么病 is answered by a disease's name (胰腺癌 ends in 癌, not 病); 第二天 counts no days
    ("夺走制片人生命的是什么病？", "制片人邓细斌因胰腺癌去世，享年58岁。", "胰腺癌"),
    # 林先生的全名 is a name with the surname 林, not the reporter's
    ("陆丰那位原教师林先生的全名叫什么？", "记者徐驰联系上林先生，原老师林建华告诉记者此事属实。", "林建华"),
]


@pytest.mark.parametrize(("question", "sentence", "expected"), CASES, ids=[c[2] for c in CASES])
def test_typed_value(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(("question", "sentence"), [
    # 名誉馆长 is not the 馆长 the question asks for (it says so in its aside)
    ("成都大运会博物馆的馆长（不是名誉馆长）是谁？", "并由国际大体联代理主席雷诺·艾德出任名誉馆长。"),
    ("商会的执行会长是谁？", "商会会长陈友祥出席。"),
    ("山东省省长是谁？", "东有灵山湾，西有藏马山。青岛市市长赵豪志出席。"),
    ("青岛的市长是谁？", "张三出任青岛副市长。"),
    ("5.5级地震的震中在第几级行政区？", "山东德州市平原县发生5.5级地震。"),  # 5.5级 is a magnitude, not a grade 5
    ("被淹没的稻田准确面积是多少亩？", "政旺屯被大水包围，几千亩稻田被大水淹没。"),  # 准确 wants no order of magnitude
])
def test_no_value_for_another_post_or_a_look_alike(question, sentence):
    assert short_answer(question, sentence) == ""


def test_news_agency_in_a_dateline_is_not_a_place():
    places = [v.text for v in place_values("中新社北京7月21日电 (记者 陈杭)20日傍晚至21日白天，京城迎来雷阵雨。")]
    assert "中新社" not in places


def test_which_cities_asks_for_names_not_a_count():
    assert classify_question("还覆盖哪几个城市？").kind != "number"
    assert classify_question("覆盖了几个城市？").kind == "number"
    assert classify_question("暂停服务的是哪几天？").kind == "date"


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    ("洽谈会在青岛哪家酒店举行？", "3日上午，洽谈会在青岛威斯汀酒店举行，来自韩国的企业参加。", "青岛威斯汀酒店"),
    ("协会与哪个商会携手？", "青岛市食品工业协会与美国青岛总商会携手，共同推动品牌出海。", "美国青岛总商会"),
    ("哪个镇获评了示范镇？", "第十批全国“一村一品”示范村镇名单出炉，青岛西海岸新区宝山镇入选。", "青岛西海岸新区宝山镇"),
    ("他们乘坐的是哪趟车次？", "两人乘坐G1234次列车前往长春。", "G1234次"),
    ("质量改善技师叫什么名字？", "质量改善技师张加鹏是参与智能检测场景创新的一线产业工人之一。", "张加鹏"),
    ("死亡的两人分别多大年纪？", "8月7日21时33分接报警，死者分别为53岁和50岁。", "53岁"),
], ids=["hotel", "chamber", "town", "train", "by-name", "age"])
def test_named_and_aged_values(question, sentence, expected):
    assert short_answer(question, sentence) == expected


@pytest.mark.parametrize(("question", "sentence"), [
    ("事发的健身房叫什么名字？", "近日，在广州一家健身房的泳池内发生的一幕引发争议。"),  # a gym, but no gym's name
    ("哪个镇获评了示范镇？", "第十批全国“一村一品”示范村镇名单出炉。"),  # 示范村镇 is a word, not a town
    ("死亡的两人分别多大年纪？", "8月7日21时33分接报警，有人打架。"),  # 21时 is no age
])
def test_no_name_of_the_asked_kind(question, sentence):
    assert short_answer(question, sentence) == ""


def test_a_name_asked_by_role_must_stand_beside_the_role():
    question = "那位网友叫什么名字？"
    far = judge(question, classify_question(question), analyze_focus(question),
                "一位网友爆料称发现了野果，植物学家李向哲介绍了它的用途。")
    near = judge(question, classify_question(question), analyze_focus(question), "网友李向哲说，他在湿地发现了野果。")
    assert (far.value, far.focus_ok) == ("李向哲", 0.0)  # a name, but not the 网友's: the answer must not be given
    assert (near.value, near.focus_ok) == ("李向哲", 1.0)


def test_named_kinds_and_people_asked_by_name():
    assert classify_question("那名女留学生在日本哪所大学就读？") == classify_question("她在哪所大学就读？")
    assert classify_question("她在哪所大学就读？").kind == "named"
    assert classify_question("那位女乘客叫什么名字？").kind == "person"
    assert classify_question("这艘起重船叫什么名字？").kind == "other"  # a ship is no person, nor a kind we name
    assert classify_question("哪个村有多少人受灾？").kind == "number"


def _ask_one_passage(question: str, title: str, text: str):
    """The extractive answer over a single retrieved passage."""
    hit = passage(text, title)
    return answer_extractively(question, [hit])


@pytest.mark.parametrize(("title", "text", "missed", "why", "asked", "expected"), [
    # a gym, but no gym's name: abstain; the fine in the same passage is still answered
    ("广州男子泳池不雅行为被罚款", "近日，在广州一家健身房的泳池内发生的一幕引发争议。一名中老年男子在泳池内大便，被罚款8000元。",
     "广州那名在泳池内大便的男子，事发的健身房叫什么名字？", "健身房", "那名男子被罚款多少元？", "8000元"),
    # the dead are counted, the injured are not: 受伤 abstains, 死亡 is answered by its synonym 遇难
    ("台风“杜苏芮”致台湾1人遇难", "截至27日13时，台风已致1人遇难，全台累计停电5.5万户。",
     "台风“杜苏芮”在台湾造成多少人受伤？", "受伤", "台风“杜苏芮”在台湾造成多少人死亡？", "1人"),
    # 营业收入 (jieba tags 收入 a verb) is a sum of its own: an unpaid debt is no revenue
    ("南方石化集团申请破产", "近日，南方石化集团有限公司因未履约45.69亿元申请破产重整。",
     "申请破产重整的南方石化集团2022年营业收入是多少？", "收入", "南方石化因未履约多少钱申请破产重整？", "45.69亿元"),
    # another kind of the asked quantity: 固定资产投资 does not answer 基础设施投资
    ("吉林经济", "上半年，吉林省固定资产投资同比增长0.9％，增速比1至5月提高11.4个百分点。",
     "2023年上半年吉林省基础设施投资同比增长多少？", "固定资产投资", "2023年上半年吉林省固定资产投资同比增长多少？", "0.9％"),
    # an item summed with others is not answered by the sum
    ("建昌输血案", "法院判决医院赔偿死者家属死亡赔偿金、丧葬费等共计79余万元。",
     "建昌输血感染艾滋病一案中，法院判赔的丧葬费是多少？", "合计", "建昌输血感染艾滋病一案中，法院判赔共计多少？", "79余万元"),
], ids=["name-of-a-gym", "injured-not-dead", "revenue-not-debt", "another-kind", "item-of-a-sum"])
def test_abstains_on_the_near_miss_and_answers_the_question_the_passage_answers(title, text, missed, why, asked,
                                                                                 expected):
    near_miss = _ask_one_passage(missed, title, text)
    assert near_miss.abstained and why in near_miss.notes[0]
    answered = _ask_one_passage(asked, title, text)
    assert not answered.abstained and answered.short_answer == expected


def test_event_synonyms():
    assert event_in("死亡", "台风已致1人遇难") and not event_in("受伤", "台风已致1人遇难")
    assert event_in("受伤", "造成3人死亡、5人伤") and not event_in("受伤", "暂无人员伤亡")


def test_a_value_restated_in_brackets_keeps_its_clause():
    question = "SK海力士第二季度的销售额是多少美元？"
    sentence = "在截至6月30日的一个季度中，其销售额为7.31万亿韩元（约57亿美元），同比下降47%。"

    j = judge(question, classify_question(question), analyze_focus(question), sentence)
    assert j.value == "约57亿美元" and j.focus_ok > 0  # 销售额 stands outside the bracket, in the clause it restates


def test_a_ranking_question_asking_which_wants_names():
    assert classify_question("旅游关注度排名靠前的是哪几个国家？").kind != "ordinal"
    assert classify_question("青岛的GDP在全国排名第几？").kind == "ordinal"
    assert classify_question("该校在全省排名如何？").kind == "ordinal"


def test_an_address_question_wants_a_street_and_number():
    question = "上海申花球迷邮局的具体地址在哪里？"
    sentence = "即日起，“上海申花球迷邮局”快闪邮局在位于徐汇区天钥桥路855号的上海体育场邮政支局诞生。"
    assert classify_question(question).kind == "place"
    assert short_answer(question, sentence) == "徐汇区天钥桥路855号"
    assert [v.text for v in place_values("地址：山东省青岛市市南区香港中路76号", address=True)] == \
        ["山东省青岛市市南区香港中路76号"]


def test_a_list_of_people_names_every_person_once():
    question = "李凯尔入籍前，中国男篮在欧洲拉练期间裁掉了哪两名球员？"
    assert classify_question(question) == classify_question("裁掉了哪两名球员？")
    assert classify_question(question).kind == "person" and classify_question(question).is_list
    assert classify_question("审批端供哪些人员使用？").kind != "person"  # 人员 is a role, not people to name
    text = "在欧洲拉练期间，中国男篮裁掉了杜润旺和浙江后卫程帅澎。杜润旺此前入选过国家队。"
    answer = _ask_one_passage(question, "李凯尔获中国国籍", text)
    assert answer.short_answer == "杜润旺、程帅澎"
    assert [v.text for v in person_values("他的曾祖父给他起了中文名")] == []  # a relative is no name


def test_a_superlative_question_prefers_the_sentence_that_says_which_was_most():
    plain = passage(title="北京雷阵雨", n=1, text="20日傍晚至21日白天，北京迎来久违的雷阵雨天气，房山区降水明显。")
    most = passage(title="北京雷阵雨", n=2, text="最大小时降水强度出现在房山区南河，为62.6毫米/小时。")
    answer = answer_extractively("20日至21日北京那场雷阵雨里，哪个地方小时降水强度最大？", [plain, most])
    assert answer.short_answer == "房山区南河"
    assert classify_question("最高检通报的案件有多少件？").kind == "number"
    from rag.answer.focus import SUPERLATIVE_RE
    assert not SUPERLATIVE_RE.search("最高检通报的案件有多少件？")  # the court's name is no superlative


def test_a_post_question_without_a_post_abstains():
    text = "Sherman认为决策层行动迟缓，最终将不得不大幅降息。"
    hit = passage(text, "DoubleLine")
    answer = answer_extractively("Sherman在DoubleLine担任什么职务？", [hit])
    assert answer.abstained and any("职务" in n for n in answer.notes)


def test_a_common_word_after_a_post_is_no_name_and_a_long_name_is_not_cut():
    from rag.answer.values import titled_people

    assert titled_people("伊拉克央行行长表示，他有信心。") == []
    assert titled_people("目前队内还有16人在跟随主教练乔尔杰维奇进行训练。") == []


def test_a_name_the_article_keeps_back_is_no_name():
    from rag.answer.values import person_values

    assert classify_question("举报校长的那位原教师林先生，全名叫什么？").kind == "person"
    assert classify_question("那位镇团委高书记叫什么名字？").kind == "person"
    names = [v.text for v in person_values("陆丰市某某职业技术学校原老师林先生告诉记者，校长郑某某已被调查。")]
    assert "林先生" not in names and not any("某" in n for n in names)


def test_a_pronoun_is_no_name():
    assert "任你选" not in [v.text for v in person_values("惩罚整蛊任你选，首席部长透露警方已逮捕嫌犯。")]
    assert short_answer("那位镇团委高书记叫什么名字？", "镇团委高书记向孩子们介绍了团旗的构成。") == ""


def test_the_part_asked_is_not_answered_by_the_whole():
    text = "上半年，全国黄金消费量554.88吨，同比增长16.37%。其中：黄金首饰368.26吨，同比增长14.82%。"
    hit = passage(text, "上半年黄金消费")
    assert answer_extractively("2023年上半年全国黄金首饰消费了多少？", [hit]).short_answer == "368.26吨"
    assert answer_extractively("2023年上半年全国黄金消费量是多少？", [hit]).short_answer == "554.88吨"


def test_a_deputy_of_a_new_post_is_not_the_post():
    assert short_answer("鲁山县背孜乡的乡长是谁？", "背孜乡副乡长孙辰辰说，村民已全部转移。") == ""
    assert short_answer("鲁山县背孜乡的副乡长是谁？", "背孜乡副乡长孙辰辰说，村民已全部转移。") == "孙辰辰"


def test_a_date_inside_a_number_question_does_not_make_it_a_date_question():
    assert classify_question("7月16日至18日期间共有多少名车主报警？").kind == "number"


@pytest.mark.parametrize("question", ["《巨齿鲨2：深渊》沈阳首站路演是在哪家影院举行的？", "这起案件由深圳哪个区的法院审理？"])
def test_a_named_place_the_passage_does_not_name_abstains(question):
    text = "主演吴京来到沈阳和观众见面，法院判决阿华拆除空调外机。"
    hit = passage(text, "路演")
    assert answer_extractively(question, [hit]).abstained


def test_an_enumeration_of_counts_is_no_list_of_names():
    from rag.answer.lists import items_of

    assert items_of("最近一周，一家人身险公司、一家财产险公司、一家保险集团公司宣布拟增资扩股。") == []
    # items that carry their figure are still the items
    assert "车载泵119.60％" in items_of("吉林搅拌站120.10％、车载泵119.60％，平均工作量同比增长居全国第一。")


def test_the_day_after_is_no_count_of_days():
    assert short_answer("布朗尼在ICU重症监护室住了几天？", "布朗尼被送往医院，第二天转出重症监护室。") == ""
