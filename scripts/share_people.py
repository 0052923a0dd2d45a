"""People and identifiers for the evaluation share (scripts/eval-share.py), written the way people
type them on forms and in exports: NI numbers with and without spaces or in lower case, dates of
birth in the half-dozen forms colleges see, UK phone numbers with and without +44, postcodes in
lower case or without the space. Identifiers that have check digits (ULN, NHS number, UPN, card
numbers) are generated valid; everything is drawn from one random.Random so a seed fixes a share.
"""
import datetime

FIRST = ["Oliver", "Amelia", "Mohammed", "Aisha", "Zofia", "Kacper", "Chidi", "Ngozi", "Priya", "Arjun", "Siobhan",
         "Callum", "Eilidh", "Dylan", "Megan", "Rhys", "Fatima", "Yusuf", "Mei", "Wei", "Ioana", "Andrei", "Kwame",
         "Ama", "Jack", "Grace", "Harry", "Lily", "Tomasz", "Natalia", "Hamza", "Maryam", "Kai", "Jade", "Connor",
         "Chloe", "Bilal", "Sana", "Liam", "Ellie", "Oluwaseun", "Temitope", "Deividas", "Gabija", "Rosa", "Mateus",
         "Leah", "Tyler", "Kayleigh", "Jordan", "Abdi", "Hodan", "Ravi", "Simran", "Ffion", "Gethin", "Ciara",
         "Darragh", "Nguyen", "Thanh", "Alfie", "Poppy", "Reece", "Demi", "Yasmin", "Ibrahim", "Zainab", "Elif", "Emre"]
SURNAMES = ["Smith", "Jones", "Khan", "Patel", "Nowak", "Kowalski", "O'Brien", "Okafor", "Mensah", "Nguyen", "Begum",
            "Ahmed", "Williams", "Evans", "MacDonald", "Hughes", "Murphy", "Popescu", "Silva", "Da Costa", "Taylor",
            "Brown", "Wilson", "Hussain", "Ali", "Singh", "Kaur", "Campbell", "Wright", "Walker", "Robinson",
            "Thompson", "Zhang", "Li", "Adeyemi", "Osei", "Wiśniewska", "Petrauskas", "Yilmaz", "Mohamed", "Farah",
            "Clarke", "Jackson", "Green", "Hall", "Lewis", "Price", "Morgan", "Doherty", "Byrne", "Chaudhry",
            "Lee", "Reid", "Shaw", "Fitzgerald", "Baptiste", "Mahmood", "Sharma", "Kelly", "Ward"]
STREETS = ["Church Lane", "Victoria Road", "Station Road", "Mill Street", "Beaumont Leys Lane", "Narborough Road",
           "Fosse Way", "Hinckley Road", "St Saviour's Road", "Melton Road", "Uppingham Road", "Braunstone Avenue",
           "Granby Street", "Aylestone Road", "Welford Road", "Saffron Lane", "Gipsy Lane", "Belgrave Gate",
           "Humberstone Road", "Evington Lane", "Glenfield Road", "Wigston Lane", "Oakfield Close", "Hollies Way"]
TOWNS = [("Leicester", "LE"), ("Loughborough", "LE"), ("Nottingham", "NG"), ("Coventry", "CV"), ("Derby", "DE"),
         ("Northampton", "NN"), ("Hinckley", "LE"), ("Melton Mowbray", "LE"), ("Market Harborough", "LE"),
         ("Peterborough", "PE"), ("Lincoln", "LN"), ("Grantham", "NG")]
MAIL = ["gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "icloud.com", "btinternet.com", "live.co.uk", "hotmail.com"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
UNIT = "ABDEFGHJLNPQRSTUWXYZ"


def ordinal(n):
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


class People:
    def __init__(self, rng):
        self.r = rng

    def name(self):
        return self.r.choice(FIRST), self.r.choice(SURNAMES)

    def nino(self):
        r = self.r
        first = "ABCEGHJKLMNOPRSTWXYZ"
        second = "ABCEGHJKLMNPRSTWXYZ"
        while True:
            p = r.choice(first) + r.choice(second)
            if p not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
                break
        d = "".join(r.choice("0123456789") for _ in range(6))
        s = r.choice("ABCD")
        style = r.random()
        if style < 0.4:
            return f"{p}{d}{s}"
        if style < 0.8:
            return f"{p} {d[:2]} {d[2:4]} {d[4:]} {s}"
        if style < 0.9:
            return f"{p}{d}{s}".lower()
        return f"{p} {d} {s}"

    def birth_date(self, young=True):
        start = datetime.date(2004, 9, 1) if young else datetime.date(1962, 1, 1)
        span = 3 * 365 if young else 38 * 365
        return start + datetime.timedelta(days=self.r.randrange(span))

    def date_text(self, d):
        style = self.r.randrange(8)
        return [f"{d:%d/%m/%Y}", f"{d.day}/{d.month}/{d:%y}", f"{d:%Y-%m-%d}", f"{ordinal(d.day)} {MONTHS[d.month - 1]} {d.year}",
                f"{d:%d/%m/%y}", f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}", f"{d:%d.%m.%Y}", f"{d:%d-%b-%Y}"][style]

    def login(self, first, last, sep=""):
        """A network login as IT issues them: ASCII, no spaces or apostrophes."""
        def fold(x):
            return x.lower().replace(" ", "").replace("'", "").replace("ś", "s")
        return f"{fold(first)[0] if not sep else fold(first)}{sep}{fold(last)}"

    def email(self, first, last):
        r = self.r
        f, l = first.lower(), last.lower().replace("'", "").replace(" ", "").replace("ś", "s")
        local = r.choice([f"{f}.{l}", f"{f}{l}{r.randrange(1, 99)}", f"{f[0]}{l}{r.randrange(2000, 2010)}",
                          f"{l}.{f}", f"{f}_{l[:3]}x"])
        return f"{local}@{r.choice(MAIL)}"

    def mobile(self):
        r = self.r
        # Ofcom keeps 07700 900000-900999 for drama: a real person's mobile is never there.
        n = f"07{r.choice('4589')}{r.randrange(10)}{r.randrange(10)} {r.randrange(1000000):06d}"
        if n.startswith("07700 900"):
            n = "07701" + n[5:]
        style = r.random()
        if style < 0.15:
            return "+44 " + n[1:]
        if style < 0.25:
            return n.replace(" ", "")
        return n

    def landline(self):
        r = self.r
        return r.choice([f"0116 {r.randrange(200, 299)} {r.randrange(10000):04d}", f"(0115) {r.randrange(900, 999)} {r.randrange(10000):04d}",
                         f"+44 (0)24 76{r.randrange(10)}{r.randrange(10)} {r.randrange(10000):04d}", f"01509 {r.randrange(100000, 999999)}"])

    def postcode(self, area):
        r = self.r
        pc = f"{area}{r.randrange(1, 19)} {r.randrange(10)}{r.choice(UNIT)}{r.choice(UNIT)}"
        style = r.random()
        if style < 0.15:
            return pc.lower()
        if style < 0.25:
            return pc.replace(" ", "")
        return pc

    def address(self):
        r = self.r
        town, area = r.choice(TOWNS)
        pc = self.postcode(area)
        return f"{r.randrange(1, 240)} {r.choice(STREETS)}", town, pc

    def uln(self):
        while True:
            d = [self.r.randrange(1 if i == 0 else 0, 10) for i in range(9)]
            rem = sum(x * (10 - i) for i, x in enumerate(d)) % 11
            check = 10 - rem
            if 0 <= check <= 9:
                return "".join(map(str, d)) + str(check)

    def nhs(self):
        while True:
            d = [self.r.randrange(10) for _ in range(9)]
            check = 11 - sum(x * (10 - i) for i, x in enumerate(d)) % 11
            if check == 11:
                check = 0
            if check != 10:
                s = "".join(map(str, d)) + str(check)
                return f"{s[:3]} {s[3:6]} {s[6:]}" if self.r.random() < 0.7 else s

    def upn(self):
        letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
        body = f"{self.r.randrange(800, 940)}{self.r.randrange(2000, 7000)}{self.r.randrange(5, 10):02d}{self.r.randrange(1000):03d}"
        total = sum(int(c) * (i + 2) for i, c in enumerate(body))
        return letters[total % 23] + body

    def card(self):
        digits = [4] + [self.r.randrange(10) for _ in range(14)]
        total = 0
        for i, x in enumerate(reversed(digits)):
            y = x * 2 if i % 2 == 0 else x
            total += y - 9 if y > 9 else y
        digits.append((10 - total % 10) % 10)
        s = "".join(map(str, digits))
        return " ".join(s[i:i + 4] for i in range(0, 16, 4))

    def sort_code(self):
        return f"{self.r.randrange(10, 99)}-{self.r.randrange(100):02d}-{self.r.randrange(100):02d}"

    def account(self):
        return f"{self.r.randrange(10000000, 99999999)}"

    def passport(self):
        return f"{self.r.randrange(100000000, 999999999)}"

    def ucas(self):
        s = f"{self.r.randrange(10**9, 10**10)}"
        return f"{s[:3]}-{s[3:6]}-{s[6:]}"

    def ip(self, prefix="10.20"):
        return f"{prefix}.{self.r.randrange(1, 250)}.{self.r.randrange(2, 254)}"

    def mac(self, sep=":"):
        m = [self.r.randrange(256) for _ in range(6)]
        m[0] &= 0xFC
        return sep.join(f"{x:02x}" for x in m) if sep != "." else ".".join(f"{m[i]:02x}{m[i + 1]:02x}" for i in (0, 2, 4))

    def password(self):
        r = self.r
        words = ["Summer", "Leicester", "Tigers", "Foxes", "Password", "Welcome", "Riverside", "Winter", "Sunshine", "Football"]
        return r.choice([f"{r.choice(words)}{r.randrange(10, 2025)}{r.choice('!£$#')}",
                         "".join(r.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(14)),
                         f"{r.choice(words).lower()}-{r.choice(words).lower()}-{r.randrange(100)}"])

    def token(self, prefix=""):
        return prefix + "".join(self.r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(36))
