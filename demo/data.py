"""Describe the demo data: departments, users, partners, project themes and fixed texts.

Plain tables only; the builders in demo/builders/ turn them into records through the
apps' services.
"""

from kyodo.models import User
from partners.models import Partner
from projects.models import ImplementationForm

DEMO_PASSWORD = "kyodo-demo"
SURNAMES = ["青木", "石井", "上田", "江口", "岡本"]
TOWNS = ["東海岸北", "南湖", "柳島", "浜見平", "本村"]

DEPARTMENTS = [
    ("環境政策課", "環境部", 10),
    ("市民自治推進課", "企画部", 20),
    ("福祉政策課", "福祉部", 30),
    ("子育て支援課", "こども育成部", 40),
    ("文化生涯学習課", "文化生涯学習部", 50),
    ("景観みどり課", "都市部", 60),
    ("道路管理課", "建設部", 70),
    ("防災対策課", "防災危機管理室", 80),
    ("観光振興課", "経済部", 90),
]

USERS = [
    # username, role, department, partner index, last name, first name
    ("staff", User.Role.DEPARTMENT, "環境政策課", None, "浜田", "みどり"),
    ("staff2", User.Role.DEPARTMENT, "福祉政策課", None, "松林", "健一"),
    ("coordinator", User.Role.COORDINATOR, "市民自治推進課", None, "柳島", "さくら"),
    ("partner", User.Role.PARTNER, None, 0, "南湖", "海斗"),
    ("partner2", User.Role.PARTNER, None, 1, "香川", "由美"),
    ("admin", User.Role.ADMIN, None, None, "管理", "担当"),
]

PARTNERS = [
    (
        "NPO法人 湘南なぎさネット",
        "しょうなんなぎさねっと",
        Partner.Kind.NPO,
        ["環境の保全", "まちづくり"],
        "海岸の清掃と海辺の生き物観察会",
        "きれいな海岸を次の世代に手渡す。",
        45,
    ),
    (
        "茅ヶ崎子ども食堂ネットワーク",
        "ちがさきこどもしょくどうねっとわーく",
        Partner.Kind.CIVIC,
        ["子どもの健全育成", "保健・医療・福祉"],
        "子ども食堂の運営と学習支援",
        "地域のどの子も、ひとりで食べなくていいまちに。",
        30,
    ),
    (
        "柳島地区自治会連合会",
        "やなぎしまちくじちかいれんごうかい",
        Partner.Kind.COMMUNITY,
        ["地域安全", "災害救援"],
        "防災訓練、見守り活動",
        "住み慣れた地域で安心して暮らす。",
        1200,
    ),
    (
        "株式会社 湘南グリーンワークス",
        "しょうなんぐりーんわーくす",
        Partner.Kind.BUSINESS,
        ["環境の保全", "経済活動の活性化"],
        "公園の植栽管理、緑化の技術支援",
        "技術で地域の緑を守る。",
        25,
    ),
    (
        "NPO法人 ちがさき福祉サポート",
        "ちがさきふくしさぽーと",
        Partner.Kind.NPO,
        ["保健・医療・福祉"],
        "高齢者の居場所づくり、移動支援",
        "だれもが出かけられるまちへ。",
        60,
    ),
    (
        "えぼし岩ウォーキングクラブ",
        "えぼしいわうぉーきんぐくらぶ",
        Partner.Kind.CIVIC,
        ["学術・文化・芸術・スポーツ", "保健・医療・福祉"],
        "健康づくりのウォーキング",
        "歩いて元気に、歩いてまちを知る。",
        80,
    ),
    (
        "茅ヶ崎国際交流の会",
        "ちがさきこくさいこうりゅうのかい",
        Partner.Kind.CIVIC,
        ["国際協力", "社会教育"],
        "外国人住民の日本語学習支援",
        "ことばの壁をなくす。",
        40,
    ),
    (
        "NPO法人 湘南まちづくり工房",
        "しょうなんまちづくりこうぼう",
        Partner.Kind.NPO,
        ["まちづくり", "観光"],
        "商店街の活性化、まち歩きマップ",
        "歩いて楽しいまちをつくる。",
        20,
    ),
    (
        "浜見平地区まちづくり協議会",
        "はまみだいらちくまちづくりきょうぎかい",
        Partner.Kind.COMMUNITY,
        ["まちづくり", "地域安全"],
        "団地の再生と地域の見守り",
        "世代をこえて支え合う団地。",
        300,
    ),
    (
        "茅ヶ崎ジャズ文化の会",
        "ちがさきじゃずぶんかのかい",
        Partner.Kind.CIVIC,
        ["学術・文化・芸術・スポーツ", "観光"],
        "音楽イベントの企画",
        "音楽でまちをつなぐ。",
        35,
    ),
    (
        "ちがさき子育てひろばの会",
        "ちがさきこそだてひろばのかい",
        Partner.Kind.CIVIC,
        ["子どもの健全育成", "男女共同参画"],
        "親子の居場所、子育て相談",
        "子育てを地域みんなで。",
        25,
    ),
    (
        "NPO法人 湘南防災ボランティア",
        "しょうなんぼうさいぼらんてぃあ",
        Partner.Kind.NPO,
        ["災害救援", "地域安全"],
        "防災講座、避難所運営の訓練",
        "災害に強い地域をつくる。",
        50,
    ),
    (
        "里山を守る会",
        "さとやまをまもるかい",
        Partner.Kind.CIVIC,
        ["環境の保全", "社会教育"],
        "里山の保全、自然観察会",
        "身近な自然を残す。",
        40,
    ),
    (
        "湘南ITサポーターズ",
        "しょうなんあいてぃーさぽーたーず",
        Partner.Kind.CIVIC,
        ["情報化社会", "市民活動の支援"],
        "高齢者向けスマホ教室、団体のIT支援",
        "だれも取り残さないデジタル化。",
        15,
    ),
    (
        "茅ヶ崎商工会議所青年部",
        "ちがさきしょうこうかいぎしょせいねんぶ",
        Partner.Kind.BUSINESS,
        ["経済活動の活性化", "観光"],
        "地域のお祭り、産業まつりの運営",
        "地域の商いを元気に。",
        90,
    ),
    (
        "鶴嶺地区社会福祉協議会",
        "つるみねちくしゃかいふくしきょうぎかい",
        Partner.Kind.COMMUNITY,
        ["保健・医療・福祉"],
        "地域の支え合い活動、サロン運営",
        "となり近所で支え合う。",
        150,
    ),
    (
        "NPO法人 海辺の学校",
        "うみべのがっこう",
        Partner.Kind.NPO,
        ["社会教育", "子どもの健全育成", "環境の保全"],
        "子どもの海の体験学習",
        "海から学ぶ子どもを育てる。",
        28,
    ),
    (
        "ちがさき読み聞かせの会",
        "ちがさきよみきかせのかい",
        Partner.Kind.CIVIC,
        ["社会教育", "子どもの健全育成"],
        "図書館や学校での読み聞かせ",
        "本と出会う楽しさを。",
        22,
    ),
    (
        "湘南サイクルまちづくり",
        "しょうなんさいくるまちづくり",
        Partner.Kind.CIVIC,
        ["まちづくり", "地域安全"],
        "自転車の安全教室、サイクルマップ",
        "自転車で暮らしやすいまち。",
        18,
    ),
    (
        "小出川の自然を愛する会",
        "こいでがわのしぜんをあいするかい",
        Partner.Kind.CIVIC,
        ["環境の保全"],
        "河川の清掃、彼岸花の保全",
        "川辺の景観を守る。",
        55,
    ),
]

THEMES = {
    ImplementationForm.ITAKU: [
        "海岸清掃ボランティアの受付・調整業務",
        "高齢者の居場所運営業務",
        "日本語学習支援教室の運営",
        "子育てひろばの運営",
        "スマホ相談会の実施業務",
        "環境学習講座の企画運営",
    ],
    ImplementationForm.SHITEI: [
        "市民活動サポートセンターの管理運営",
        "浜見平地区集会所の管理運営",
        "里山公園休憩棟の管理運営",
    ],
    ImplementationForm.JIGYO_KYORYOKU: [
        "海岸の里親（アダプト）活動",
        "小出川の河川美化",
        "公園の花壇づくり",
        "通学路の見守り活動",
        "地域防災マップの作成",
        "まち歩きマップの作成",
        "子ども食堂への食材提供の仕組みづくり",
    ],
    ImplementationForm.JIKKO_IINKAI: [
        "茅ヶ崎海岸グリーンフェスタ",
        "市民活動フェスティバル",
        "ジャズの日コンサート",
    ],
    ImplementationForm.KYOSAI: [
        "防災講演会",
        "環境フォーラム",
        "子育て応援フェア",
        "国際交流の集い",
    ],
    ImplementationForm.HOJO: [
        "地域の見守りサロン",
        "親子の読み聞かせ会",
        "自然観察会",
        "自転車安全教室",
        "外国人住民のための生活相談会",
    ],
    ImplementationForm.KOEN: [
        "海辺のクリーンアップ大会",
        "ウォーキング大会",
        "市民音楽祭",
        "子ども将棋大会",
    ],
}

FORM_DEPARTMENTS = {
    ImplementationForm.ITAKU: ["環境政策課", "福祉政策課", "子育て支援課", "文化生涯学習課"],
    ImplementationForm.SHITEI: ["市民自治推進課", "景観みどり課", "文化生涯学習課"],
    ImplementationForm.JIGYO_KYORYOKU: ["環境政策課", "景観みどり課", "道路管理課", "防災対策課"],
    ImplementationForm.JIKKO_IINKAI: ["環境政策課", "市民自治推進課", "観光振興課"],
    ImplementationForm.KYOSAI: ["防災対策課", "環境政策課", "子育て支援課", "福祉政策課"],
    ImplementationForm.HOJO: ["市民自治推進課", "福祉政策課", "環境政策課"],
    ImplementationForm.KOEN: ["観光振興課", "文化生涯学習課", "環境政策課", "福祉政策課"],
}


# The fixed part of each form's details; the builder adds what depends on the project.
FORM_DETAILS = {
    ImplementationForm.ITAKU: {
        "contract_method": "プロポーザル方式による随意契約",
        "proposal_in_spec": True,
        "proposal_summary": "団体が提案した参加者の集め方と振り返りの会を仕様に入れた。",
        "consultation_plan": "毎月1回の定例会議と、半年ごとの振り返り。",
    },
    ImplementationForm.SHITEI: {
        "management_standard": "開館は9時から21時。利用者アンケートを年1回行う。",
    },
    ImplementationForm.JIGYO_KYORYOKU: {
        "city_lends_goods": True,
        "city_pays_insurance": True,
        "city_publicises": True,
        "city_provides": "活動場所の情報と、ごみ袋・軍手の提供。",
    },
    ImplementationForm.JIKKO_IINKAI: {
        "members": "委員長 市民活動団体代表\n副委員長 自治会連合会\n委員 市担当課長",
        "cost_sharing": "会場費は市、出演者への謝礼は実行委員会の協賛金でまかなう。",
        "role_sharing": "企画は委員会全体、広報は市、当日運営は団体。",
    },
    ImplementationForm.KYOSAI: {
        "venue": "茅ヶ崎市役所 分庁舎 コミュニティホール",
        "co_organisers": "茅ヶ崎市\n共催団体",
    },
    ImplementationForm.HOJO: {},
    ImplementationForm.KOEN: {
        "venue": "サザンビーチちがさき",
    },
}

# The answers of a project that suits 協働 (the expertise answer names its partners).
ELIGIBILITY = {
    "widens_service": True,
    "widens_service_reason": "団体の持つ地域とのつながりで、市だけでは届かない人に届く。",
    "touches_lives": True,
    "touches_lives_reason": "参加する市民の日々の暮らしに直接かかわる。",
    "cost_only": False,
    "cost_only_reason": "費用の削減ではなく、サービスの質を高めることが目的。",
}

# The answers of a draft that only wants to cut costs, for the review demo.
COST_ONLY_ELIGIBILITY = {
    "widens_service": False,
    "widens_service_reason": "サービスの内容は今と同じ。",
    "touches_lives": False,
    "touches_lives_reason": "市の内部の作業が中心。",
    "expertise": "",
    "cost_only": True,
    "cost_only_reason": "職員の作業時間を減らしたい。",
}

AGREEMENT_CLAUSES = {
    "responsibility": "活動中の事故は各自が対応し、重大なものは当事者で協議する。",
    "insurance": "市が市民活動保険に加入し、保険料を負担する。",
    "deliverables": "活動報告書（年1回）と、活動の写真記録。",
    "consultation": "毎月第1水曜日に定例会議を開く。",
    "change_procedure": "協議の場で話し合い、変更協定を書面で結ぶ。",
    "confidentiality": "活動で知った個人の情報を外にもらさない。",
    "personal_data": "参加者名簿は市の規程にそって管理し、事業終了後に廃棄する。",
}

# The evaluation shown complete: results, and a beneficiary survey with its paper answers.
SHOWCASE_RESULT = {
    "achieved": (
        "年間12回の観察会を開き、親子の参加が定着した。記録は市のホームページで公開した。"
    ),
    "effect": "参加者は前年の1.4倍。新しく5人が運営を手伝うようになった。",
    "participants": 386,
    "events": 12,
    "other_figures": "観察した生き物 84種、配布した観察ノート 600部",
    "beneficiary_survey_agreed": True,
}

SHOWCASE_SURVEY = {
    "is_open": True,
    "paper_respondents": 52,
    "paper_done": 31,
    "paper_mostly": 17,
    "paper_hardly": 3,
    "paper_not_done": 1,
    "paper_note": "毎月続けてほしい。雨の日の代わりの日がほしい。",
}

CITY_ISSUES = [
    # department, posted by (username), title, description, activity fields, days open
    (
        "環境政策課",
        "staff",
        "海岸のマイクロプラスチックを減らしたい",
        "海岸清掃の参加者を増やし、ごみの種類を調べて発生源を減らす取り組みを、"
        "一緒に考えてくれる団体を探しています。",
        ["環境の保全"],
        90,
    ),
    (
        "福祉政策課",
        "staff2",
        "ひとり暮らしの高齢者の見守りを広げたい",
        "地域の見守り活動や居場所づくりの経験がある団体と、訪問の仕組みを考えたい。",
        ["保健・医療・福祉", "まちづくり"],
        60,
    ),
    (
        "子育て支援課",
        "admin",
        "放課後の子どもの居場所を増やしたい",
        "子ども食堂や学習支援の活動と、公共施設の空き時間を組み合わせたい。",
        ["子どもの健全育成"],
        120,
    ),
]
