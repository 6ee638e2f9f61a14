"""Word lists for the demo world: places, trade names and ship names, in pinyin and Chinese script."""

from __future__ import annotations

# (pinyin, Chinese script) for cities where the C4ADS study found most of the trading firms.
CN_CITIES: tuple[tuple[str, str, str], ...] = (
    ("Dandong", "丹东", "Liaoning"),
    ("Dandong", "丹东", "Liaoning"),
    ("Dandong", "丹东", "Liaoning"),
    ("Shenyang", "沈阳", "Liaoning"),
    ("Dalian", "大连", "Liaoning"),
    ("Yanji", "延吉", "Jilin"),
    ("Hunchun", "珲春", "Jilin"),
    ("Shanghai", "上海", "Shanghai"),
    ("Qingdao", "青岛", "Shandong"),
)
HK_DISTRICTS = ("Wan Chai", "Kowloon Bay", "Sheung Wan", "Tsim Sha Tsui", "Mong Kok")
KP_CITIES = ("Pyongyang", "Nampo", "Sinuiju", "Rason", "Chongjin")

# Syllables for trade names, two of which make one name (Hong+Xiang = Hongxiang, 鸿祥).
TRADE_SYLLABLES: tuple[tuple[str, str], ...] = (
    ("hong", "鸿"), ("xiang", "祥"), ("jin", "金"), ("hai", "海"), ("xin", "鑫"),
    ("yuan", "源"), ("hua", "华"), ("tian", "天"), ("run", "润"), ("heng", "恒"),
    ("tong", "通"), ("rui", "瑞"), ("feng", "丰"), ("sheng", "盛"), ("bao", "宝"),
    ("long", "龙"), ("kai", "开"), ("fu", "富"), ("xing", "兴"), ("yong", "永"),
    ("li", "利"), ("jia", "嘉"), ("he", "禾"), ("da", "达"), ("tai", "泰"),
    ("ding", "鼎"), ("ming", "明"), ("yang", "阳"), ("chang", "昌"), ("wan", "万"),
    ("guang", "广"), ("de", "德"), ("an", "安"), ("kang", "康"), ("shun", "顺"),
    ("hui", "汇"), ("qiang", "强"), ("zhong", "中"), ("bo", "博"), ("yu", "宇"),
    ("wei", "威"), ("sen", "森"), ("lin", "林"), ("ping", "平"), ("cheng", "诚"),
    ("quan", "泉"), ("zhi", "智"), ("hao", "浩"), ("jun", "骏"), ("ze", "泽"),
    ("xu", "旭"), ("peng", "鹏"), ("teng", "腾"), ("wen", "文"), ("yi", "益"),
    ("ji", "吉"), ("lu", "路"), ("rong", "荣"), ("mei", "美"), ("nuo", "诺"),
)

# (English, pinyin, Chinese script) business words.
INDUSTRIES: tuple[tuple[str, str, str], ...] = (
    ("Trading", "Maoyi", "贸易"),
    ("Industrial", "Shiye", "实业"),
    ("Import Export", "Jinchukou", "进出口"),
    ("International", "Guoji", "国际"),
    ("Logistics", "Wuliu", "物流"),
    ("Shipping", "Chuanwu", "船务"),
    ("Technology", "Keji", "科技"),
    ("Industrial Development", "Shiye Fazhan", "实业发展"),
    ("International Trading", "Guoji Maoyi", "国际贸易"),
)
ABBREVIATED_INDUSTRIES = {
    "Trading": "TRDG",
    "Industrial": "IND",
    "International": "INTL",
    "Technology": "TECH",
    "Industrial Development": "IND DEV",
    "International Trading": "INTL TRDG",
    "Import Export": "IMP & EXP",
}

KP_SYLLABLES = (
    "Kum", "San", "Ryong", "Bong", "Nam", "Gang", "Chon", "Song", "Paek", "Ho", "Hyok", "Sin",
    "Sung", "Ri", "Tae", "Un", "Ha", "Kwang", "Myong", "Mi", "Rae", "Hae", "Rung", "Ra", "So",
    "Su", "Man", "Pok", "Pu", "Chil", "Tan", "Kal", "Ma", "Mo", "Ran", "Myo", "Hyang", "Jin",
)
KP_PLACES = ("Korea", "Pyongyang", "Nampo", "Sinuiju", "Rason", "Chongjin", "Hamhung", "Wonsan")
KP_WORDS = (
    "Kumsan", "Ryonbong", "Namgang", "Chonsong", "Paekho", "Hyoksin", "Sungri", "Taesong",
    "Unha", "Kwangmyong", "Mirae", "Haegumgang", "Rungra", "Sobaeksu", "Manpok", "Pugang",
    "Chilsong", "Tanchon", "Kangbong", "Ryugyong", "Sinhung", "Moranbong", "Myohyang", "Kalma",
)
KP_INDUSTRIES = ("Trading Corporation", "General Corporation", "Shipping Company",
                 "Mining Company", "Technology Corporation", "Trading Company")

SURNAMES: tuple[tuple[str, str], ...] = (
    ("Ma", "马"), ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
    ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"), ("Xu", "徐"),
    ("Sun", "孙"), ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"), ("Lin", "林"), ("He", "何"),
    ("Guo", "郭"), ("Luo", "罗"), ("Song", "宋"), ("Zheng", "郑"), ("Han", "韩"), ("Tang", "唐"),
)
GIVEN_SYLLABLES: tuple[tuple[str, str], ...] = (
    ("xiao", "晓"), ("hong", "红"), ("wei", "伟"), ("jun", "军"), ("li", "丽"), ("min", "敏"),
    ("jing", "静"), ("qiang", "强"), ("lei", "磊"), ("yan", "燕"), ("hua", "华"), ("ping", "平"),
    ("gang", "刚"), ("fang", "芳"), ("bin", "斌"), ("tao", "涛"), ("ming", "明"), ("chao", "超"),
    ("xiu", "秀"), ("ying", "英"), ("hui", "慧"), ("dong", "东"), ("feng", "峰"), ("zhi", "志"),
)
KP_SURNAMES = ("Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "Han", "Yun", "Jang", "Chol")
KP_GIVEN = ("Chol", "Song", "Il", "Yong", "Nam", "Hyok", "Su", "Myong", "Kwang", "Jin", "Hak", "Sok")

SHIP_SYLLABLES = (
    "Chon", "Ma", "San", "Rye", "Song", "Gang", "Ka", "Rim", "Yu", "Jong", "Kum", "Un", "Nam",
    "Paek", "Sam", "Jang", "An", "Myong", "Ryu", "Hao", "Fan", "Xin", "Guang", "Hai", "Wan",
    "Heng", "Tian", "Yi", "Hua", "Sheng", "Bong", "Hwa", "Ji", "Ryong", "Sok", "Pyol",
)
FLAGS_OF_CONVENIENCE = ("SL", "TG", "PA", "MN", "KH", "BZ", "KM", "PW", "TZ", "MD")

STREETS = (
    "Binjiang", "Jiangcheng", "Xingfu", "Zhenxing", "Shiwei", "Jinshan", "Huanghai", "Yalu",
    "Renmin", "Zhongshan", "Jiefang", "Heping", "Changjiang", "Xinhua", "Beijing", "Yanjiang",
)
PROGRAMS = ("DPRK", "DPRK2", "DPRK3", "DPRK4", "NKSPR")
HS_CODES = ("2701", "2601", "7208", "8703", "8471", "2710", "0303", "6110", "9306", "8802")
