"""Names from the many cultures and scripts of a northern English city, and their variants.

The pools are small on purpose: real populations repeat names a lot, which is exactly
what makes matching hard. Variants (transliterations, dropped diacritics) feed the noisy
duplicates the matching benchmark scores against.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Culture:
    code: str
    weight: int
    surnames: tuple[str, ...]
    male: tuple[str, ...]
    female: tuple[str, ...]
    # Surname by gender, where the language inflects it (Kowalski / Kowalska).
    female_surnames: dict[str, str] | None = None


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


CULTURES: tuple[Culture, ...] = (
    Culture(
        "english",
        40,
        _t(
            "Smith|Jones|Taylor|Brown|Walker|Wood|Wright|Robinson|Thompson|Hall|Green|Lee|"
            "Clarke|Harrison|Jackson|White|Turner|Hughes|Parker|Shaw|Atkinson|Holmes|"
            "Barker|Booth|Whiteley|Sykes|Fletcher|Haigh|Dobson|Ramsden|Hirst|Firth|"
            "Ackroyd|Greenwood|Mitchell|Marsden|Pickles|Sutcliffe|Lister|Exley|Wilson|"
            "Johnson|Davies|Evans|Thomas|Roberts|Lewis|Edwards|Harris|Martin|Cooper|King|"
            "Baker|Allen|Young|Scott|Adams|Moore|Hill|Morris|Ward|Watson|Clark|Bennett|"
            "Gray|Cook|Bell|Richardson|Chapman|Ellis|Webb|Mason|Hunt|Palmer|Dixon|Knight|"
            "Mills|Rogers|Lloyd|Fox|Hudson|Marshall|Carter|Pearson|Stevens|Dawson|Foster|"
            "Butler|Barnes|Gibson|Wells|Payne|Kent|Lamb|Nicholson|Naylor|Brook|Crowther|"
            "Hainsworth|Illingworth|Mallinson|Moorhouse|Oldroyd|Pollard|Priestley|Rhodes|"
            "Senior|Stead|Swales|Tattersall|Utley|Verity|Waddington|Wainwright|Whitaker|"
            "Armitage|Bairstow|Brear|Broadbent|Cawthorne|Dyson|Emsley|Gledhill|Hepworth|"
            "Holdsworth|Jowett|Kershaw|Laycock|Lumb|Midgley|Normington|Pogson|Rushworth|"
            "Saville|Scholes|Slater|Sowden|Sugden|Thackray|Tordoff|Varley|Walsh|Wilkinson|"
            "Harrison-Walker|Taylor-Smith|Bradley|Burton|Chambers|Cross|Day|Dean|Fisher|"
            "Gardner|Gregory|Hardy|Hayes|Holland|Howard|Hurst|Lawson|Matthews|Newton|"
            "Norton|Osborne|Page|Pearce|Porter|Reeves|Riley|Russell|Sharp|Simpson|Stone|"
            "Sullivan|Todd|Tucker|Vaughan|Wade|Warren|Webster|Wheeler|Winter|Woodward"
        ),
        _t(
            "Jack|Liam|Oliver|Harry|George|Charlie|Jacob|Noah|Leo|Alfie|Thomas|Daniel|"
            "Ryan|Jordan|Kyle|Callum|Lewis|Dean|Craig|Wayne|Lee|Mark|Paul|Gary|Jamie|"
            "Tyler|Kieran|Reece|Mason|Ethan|Archie|Freddie|Riley|Max|Joshua|William|James|"
            "Henry|Oscar|Arthur|Theo|Finley|Logan|Luke|Adam|Ben|Sam|Matthew|Andrew|Stephen|"
            "Michael|Christopher|Anthony|Darren|Shaun|Scott|Carl|Martin|Neil|Simon|Stuart|"
            "Aaron|Brandon|Connor|Harvey|Jake|Nathan|Owen|Toby|Bradley|Declan|Elliot|Frankie|"
            "Jayden|Kai|Louie|Rhys|Tommy|Zac"
        ),
        _t(
            "Chloe|Olivia|Amelia|Isla|Ava|Emily|Sophie|Jessica|Lauren|Amy|Leanne|"
            "Kelly|Stacey|Gemma|Danielle|Charlotte|Hannah|Zoë|Chloë|Ellie|Megan|Lily|"
            "Grace|Poppy|Evie|Ruby|Freya|Mia|Rebecca|Kirsty|Jade|Courtney|Paige|Tia|"
            "Sarah|Emma|Laura|Rachel|Nicola|Claire|Michelle|Joanne|Lisa|Donna|Tracey|"
            "Samantha|Victoria|Katie|Natalie|Holly|Abigail|Bethany|Chelsea|Demi|Elise|"
            "Phoebe|Scarlett|Willow|Harper|Florence|Matilda|Rosie|Daisy|Esme|Maisie|Millie|"
            "Imogen|Lucy|Alice|Erin|Molly|Caitlin|Shannon|Amber|Naomi|Kayleigh|Toni"
        ),
    ),
    Culture(
        "irish",
        4,
        _t(
            "O'Brien|O'Sullivan|Murphy|Kelly|O'Neill|Byrne|Ryan|Doyle|McCarthy|"
            "Ó Súilleabháin|Gallagher|Quinn|O'Connor|Flanagan|Brennan"
        ),
        _t("Seán|Sean|Patrick|Ciarán|Conor|Declan|Eoin|Niall|Darragh|Cathal"),
        _t("Siobhán|Niamh|Aoife|Róisín|Saoirse|Orla|Caoimhe|Clodagh|Sinéad|Máire"),
    ),
    Culture(
        "scottish",
        3,
        _t(
            "MacDonald|McLeod|Campbell|Stewart|Robertson|Fraser|MacKenzie|McKay|"
            "Murray|Sinclair|McGregor|Buchanan"
        ),
        _t("Hamish|Iain|Callum|Ruaridh|Alasdair|Fraser|Euan|Angus|Calum|Struan"),
        _t("Morag|Eilidh|Kirsty|Isla|Mhairi|Catriona|Ailsa|Shona|Fiona|Iona"),
    ),
    Culture(
        "polish",
        6,
        _t(
            "Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|"
            "Zieliński|Szymański|Woźniak|Łukasiewicz|Dąbrowski|Kaczmarek|Mazur|Krawczyk"
        ),
        _t("Marek|Piotr|Krzysztof|Tomasz|Paweł|Michał|Łukasz|Jakub|Mateusz|Kacper|Szymon|Wojciech"),
        _t(
            "Katarzyna|Agnieszka|Małgorzata|Anna|Joanna|Magdalena|Ola|Zofia|Wiktoria|"
            "Aleksandra|Natalia|Justyna"
        ),
        {
            "Kowalski": "Kowalska",
            "Wiśniewski": "Wiśniewska",
            "Kamiński": "Kamińska",
            "Lewandowski": "Lewandowska",
            "Zieliński": "Zielińska",
            "Szymański": "Szymańska",
            "Dąbrowski": "Dąbrowska",
        },
    ),
    Culture(
        "romanian",
        3,
        _t(
            "Popescu|Ionescu|Popa|Constantin|Stan|Dumitru|Stoica|Munteanu|Ștefan|Lungu|"
            "Marin|Țurcanu"
        ),
        _t("Andrei|Ionuț|Mihai|Florin|Adrian|Gheorghe|Cătălin|Răzvan|Bogdan|Vasile"),
        _t("Ioana|Andreea|Elena|Mihaela|Alexandra|Gabriela|Ramona|Denisa|Florentina|Ștefania"),
    ),
    Culture(
        "pakistani",
        9,
        _t(
            "Hussain|Khan|Ahmed|Ali|Iqbal|Akhtar|Mahmood|Rashid|Shah|Bibi|Aslam|Butt|"
            "Malik|Chaudhry|Riaz|Hussain-Khan"
        ),
        _t(
            "Mohammed|Muhammad|Tariq|Imran|Asif|Adeel|Zain|Yusuf|Ibrahim|Bilal|Hamza|"
            "Usman|Ayaan|Ahmed|Shahid|Khalid"
        ),
        _t(
            "Amina|Fatima|Ayesha|Zara|Samina|Nadia|Shabana|Rukhsana|Maryam|Hafsa|Aisha|"
            "Sana|Iqra|Noor|Khadija|Safiya"
        ),
    ),
    Culture(
        "bangladeshi",
        3,
        _t("Begum|Uddin|Rahman|Miah|Islam|Chowdhury|Hoque|Ahmed|Ali|Khatun"),
        _t("Abdul|Shahid|Rafiq|Jamal|Anwar|Rahim|Sultan|Mizanur|Arif|Faisal"),
        _t("Nasima|Shirin|Rumana|Jesmin|Taslima|Salma|Rupa|Sultana|Farzana|Momena"),
    ),
    Culture(
        "arabic_script",
        1,
        _t("محمد|حسين|احمد|علی|خان|رحمن"),
        _t("محمد|احمد|یوسف|عمر|ابراهیم"),
        _t("فاطمة|عائشة|مریم|زینب|آمنة"),
    ),
    Culture(
        "arabic",
        2,
        _t("Al-Sayed|Haddad|Mansour|Nasser|Khalil|Saleh|Hamdan|Abdullah|Al-Hashimi|Darwish"),
        _t("Omar|Ahmad|Khaled|Mahmoud|Youssef|Samir|Karim|Hassan|Walid|Mustafa"),
        _t("Layla|Rania|Huda|Mariam|Yasmin|Dina|Nour|Salma|Amal|Reem"),
    ),
    Culture(
        "vietnamese",
        2,
        _t("Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng"),
        _t("Minh|Văn Hùng|Đức|Quang|Tuấn|Anh|Văn Nam|Thành|Hải|Long"),
        _t("Thị Lan|Thị Hương|Thị Mai|Ngọc Anh|Thu Trang|Thị Hoa|Linh|Thảo|Huyền|Phương"),
    ),
    Culture(
        "somali",
        3,
        _t("Abdi|Farah|Warsame|Hassan|Mohamed|Osman|Ali|Jama|Yusuf|Abdullahi|Hirsi|Egal"),
        _t("Abdirahman|Mohamed|Abdullahi|Ahmed|Hassan|Liban|Mustafe|Cabdi|Yusuf|Guled"),
        _t("Hodan|Faadumo|Sahra|Ayaan|Hibo|Ifrah|Nimco|Ubah|Deeqa|Fartun"),
    ),
    Culture(
        "caribbean",
        4,
        _t(
            "Campbell|Williams|Brown|Johnson|Francis|Thomas|Edwards|Bailey|Grant|"
            "Morgan|Henry|Reid|Lewis|Clarke|McKenzie"
        ),
        _t(
            "Delroy|Winston|Jermaine|Marlon|Leroy|Tyrone|Desmond|Errol|Dwayne|Kemar|Andre|Shaquille"
        ),
        _t(
            "Marcia|Shanice|Tanisha|Simone|Jasmine|Keisha|Paulette|Sharmaine|Kadeen|"
            "Beverley|Latoya|Monique"
        ),
    ),
    Culture(
        "kurdish",
        2,
        _t("Ahmadi|Karimi|Rostami|Barzani|Mohammadi|Hosseini|Rahimi|Amin|Zebari|Talabani"),
        _t("Azad|Rebin|Dilshad|Karwan|Hemin|Shwan|Soran|Aram|Baran|Diyar"),
        _t("Rojin|Dilan|Shirin|Nasrin|Berivan|Zhilwan|Hana|Avin|Sozan|Tavga"),
    ),
    Culture(
        "roma",
        2,
        _t("Lakatoš|Horváth|Balog|Oláh|Kotlár|Dudi|Gaži|Kováč|Pompa|Giňa"),
        _t("Dezider|Milan|Jozef|Ladislav|Marián|Róbert|Štefan|Patrik|Dávid|Erik"),
        _t("Renáta|Monika|Žaneta|Silvia|Erika|Marcela|Denisa|Gabriela|Vanesa|Sabína"),
    ),
    Culture(
        "chinese",
        2,
        _t("Wang|Li|Zhang|Chen|Liu|Yang|Huang|Zhao|Wu|Zhou|Lin|Xu"),
        _t("Wei|Jun|Hao|Lei|Jian|Ming|Tao|Yong|Bo|Chen"),
        _t("Jing|Mei|Xiu Ying|Li Na|Fang|Yan|Hui|Ling|Xin|Yu"),
    ),
    Culture("chinese_script", 1, _t("王|李|张|陈|刘"), _t("伟|强|磊|军|洋"), _t("静|丽|敏|燕|娟")),
    Culture(
        "indian",
        3,
        _t("Patel|Singh|Kaur|Sharma|Gill|Sandhu|Mistry|Parmar|Desai|D'Souza|Kumar|Chauhan"),
        _t("Rajesh|Sanjay|Harpreet|Gurpreet|Amit|Vikram|Arjun|Ravi|Jaspal|Kiran"),
        _t("Priya|Harjit|Manpreet|Sunita|Anjali|Neha|Pooja|Simran|Kiran|Rupinder"),
    ),
    Culture(
        "eritrean",
        1,
        _t("Tesfay|Gebremedhin|Haile|Tekle|Berhane|Kidane|Woldu|Ghebreyesus"),
        _t("Dawit|Yonas|Samuel|Filmon|Henok|Merhawi|Biniam|Robel"),
        _t("Senait|Helen|Selam|Lidya|Mebrat|Saba|Ruth|Yordanos"),
    ),
)

TOTAL_WEIGHT = sum(c.weight for c in CULTURES)
_CUMULATIVE = []
_acc = 0
for _c in CULTURES:
    _acc += _c.weight
    _CUMULATIVE.append(_acc)
BY_CODE = {c.code: c for c in CULTURES}

# Spelling variants a police officer might type for the same person (both directions).
TRANSLITERATIONS: dict[str, tuple[str, ...]] = {
    "Omar": ("Umar", "Omer"),
    "Khaled": ("Khalid",),
    "Khalid": ("Khaled",),
    "Mustafa": ("Mostafa", "Mustapha"),
    "Karim": ("Kareem",),
    "Layla": ("Leila", "Laila"),
    "Yasmin": ("Yasmine", "Jasmin"),
    "Nour": ("Noor", "Nur"),
    "Noor": ("Nur", "Nour"),
    "Imran": ("Imraan",),
    "Asif": ("Aasif",),
    "Zain": ("Zayn", "Zane"),
    "Bilal": ("Belal",),
    "Hamza": ("Hamzah",),
    "Usman": ("Osman", "Uthman"),
    "Amina": ("Aminah", "Ameena"),
    "Zara": ("Zahra", "Zarah"),
    "Samina": ("Sameena",),
    "Nadia": ("Nadiya",),
    "Maryam": ("Mariam", "Mariyam"),
    "Hafsa": ("Hafsah",),
    "Safiya": ("Safia", "Safiyya"),
    "Abdul": ("Abdool",),
    "Rafiq": ("Rafique",),
    "Rahim": ("Raheem",),
    "Faisal": ("Faysal",),
    "Iqbal": ("Ikbal",),
    "Akhtar": ("Akhter",),
    "Mahmood": ("Mahmud", "Mehmood"),
    "Rashid": ("Rasheed",),
    "Malik": ("Malick",),
    "Miah": ("Mia",),
    "Hoque": ("Haque", "Hoq"),
    "Khatun": ("Khatoon",),
    "Jama": ("Jaama",),
    "Hirsi": ("Xirsi",),
    "Faadumo": ("Fadumo", "Fatuma"),
    "Hodan": ("Xoodan",),
    "Zhou": ("Chou",),
    "Xu": ("Hsu",),
    "Mohammed": ("Muhammad", "Mohamed", "Mohammad", "Muhammed"),
    "Muhammad": ("Mohammed", "Mohamad", "Muhammed"),
    "Mohamed": ("Mohammed", "Maxamed", "Mohamud"),
    "Hussain": ("Hussein", "Husain", "Hosain"),
    "Ahmed": ("Ahmad", "Ahmet"),
    "Ahmad": ("Ahmed",),
    "Yusuf": ("Yousef", "Yusif", "Yousuf"),
    "Ibrahim": ("Ebrahim", "Ibraheem"),
    "Fatima": ("Fatimah", "Fatma"),
    "Ayesha": ("Aisha", "Aysha"),
    "Aisha": ("Ayesha", "Aysha"),
    "Khadija": ("Khadijah", "Khadeeja"),
    "Abdullahi": ("Abdulahi", "Cabdullaahi"),
    "Abdirahman": ("Abdulrahman", "Cabdiraxmaan"),
    "Chowdhury": ("Choudhury", "Chaudhry"),
    "Chaudhry": ("Chaudhary", "Choudhry"),
    "Begum": ("Begom",),
    "Uddin": ("Udin", "Uddine"),
    "Rahman": ("Rehman",),
    "Hassan": ("Hasan",),
    "Youssef": ("Yusuf", "Yousef"),
    "Mahmoud": ("Mahmood", "Mahmud"),
    "Aleksandra": ("Alexandra",),
    "Katarzyna": ("Katarzina",),
    "Wojciech": ("Voytek",),
    "Zhang": ("Chang",),
    "Osman": ("Othman", "Cismaan"),
    "Tesfay": ("Tesfaye", "Tesfai"),
    "Gebremedhin": ("Gebremedin", "Ghebremedhin"),
}


def pick_culture(rng: random.Random) -> Culture:
    r = rng.randrange(TOTAL_WEIGHT)
    for culture, edge in zip(CULTURES, _CUMULATIVE, strict=True):
        if r < edge:
            return culture
    return CULTURES[0]


def surname_for(culture: Culture, surname: str, gender: str) -> str:
    """The surname as this person would carry it (Polish feminine forms)."""
    if gender == "F" and culture.female_surnames:
        return culture.female_surnames.get(surname, surname)
    return surname


def forename(rng: random.Random, culture: Culture, gender: str, middle: float = 0.15) -> str:
    pool = culture.female if gender == "F" else culture.male
    name = rng.choice(pool)
    if rng.random() < middle:
        extra = rng.choice(pool)
        if extra != name:
            name = f"{name} {extra}"
    return name


def nhs_check_digit(nine: str) -> int | None:
    """The modulus-11 check digit for the first nine digits; None when 10 (never issued)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number(rng: random.Random) -> str:
    """A random NHS number that passes the check digit (starting 4, 6 or 9 like real ones)."""
    while True:
        nine = f"{rng.choice('469')}{rng.randrange(10**8):08d}"
        check = nhs_check_digit(nine)
        if check is not None:
            return f"{nine}{check}"


def nhs_number_valid(value: str) -> bool:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def pnc_id(rng: random.Random, year: int) -> str:
    """A Police National Computer id shape: two-digit year / seven digits + check letter."""
    return f"{year % 100:02d}/{rng.randrange(10**7):07d}{rng.choice('ABCDEFGHJKLMNPQRTUVWXYZ')}"
