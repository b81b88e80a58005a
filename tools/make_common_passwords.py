"""Write `src/kithbook/domain/common_passwords.txt`: passwords people pick first.

The seeds below are well-known weak choices (keyboard walks, names, words, sports teams,
digit runs); each is expanded the way people expand them (a capital letter, digits or
a year or "!" at the end). The password check folds case, so only lower case is kept,
and only what is at least 8 characters long (shorter passwords are refused anyway).

    python tools/make_common_passwords.py
"""

from __future__ import annotations

from pathlib import Path

SEEDS = """
password passw0rd p@ssw0rd p@ssword pass pass1234 passwort motdepasse contrasena
qwerty qwertyuiop qwertyui qwer1234 asdf asdfgh asdfghjkl zxcvbn zxcvbnm azerty
1q2w3e4r 1q2w3e 1qaz2wsx qazwsx qazwsxedc zaq12wsx 1qazxsw2 q1w2e3r4 abc abcd abcdef
abcdefg abcdefgh abc123 a1b2c3 letmein welcome hello hi iloveyou loveyou lovely love
admin administrator root toor user guest login master secret changeme default test
tester testing temp temppass access trustno1 monkey dragon shadow sunshine princess
football baseball soccer hockey basketball golf tennis batman superman spiderman
starwars pokemon killer michael jennifer jordan hunter ranger buster thomas robert
daniel andrew joshua matthew charlie george jessica ashley amanda michelle nicole
daniela maria anna sophie olivia emma freedom whatever mustang harley ferrari porsche
corvette mercedes cheese cookie chocolate banana orange apple summer winter spring
autumn flower purple yellow silver golden diamond computer internet google facebook
linkedin twitter youtube samsung iphone windows microsoft hello123 letmein1 welcome1
tigger ginger pepper maggie bailey buddy lucky molly sparky snoopy hannah sunflower
angel angels liverpool chelsea arsenal barcelona madrid juventus manchester yankees
cowboys steelers lakers eagles dolphins patriots raiders packers warriors trinity
matrix phoenix merlin gandalf zeus thunder lightning rainbow butterfly blessed jesus
christ heaven peace freedom1 qwerty1 qwerty12 qwerty123 password1 password12
password123 iloveyou1 princess1 monkey1 dragon1 football1 baseball1 master1 secret1
nothing forever friends family mother father brother sister baby babygirl sweetie
honey darling hottie sexy cutie beauty flowers kitten doggy puppy tiger lion bear
wolf eagle falcon shark dolphin horse pony unicorn snowball snowman christmas
halloween easter birthday holiday vacation paradise london paris berlin newyork
chicago boston dallas texas california florida canada america usa england scotland
ireland france germany italia spain russia china japan india brazil mexico
superstar rockstar player gamer hacker ninja samurai pirate soldier captain doctor
nurse teacher student school college university office work company business money
dollar million rich lucky7 winner champion legend hero king queen prince kingdom
empire castle dream dreamer magic wizard power energy future galaxy planet star
stars moon sun universe ocean river mountain forest nature green blue red black
white pink charlie1 michael1 jordan23 kobe24 lebron23 zxcvbnm1 asdfgh1 qweasd
qweasdzxc qwe123 asd123 zxc123 aaa aaaa aaaaaa aaaaaaaa abcabc 123abc abc12345
myspace mypassword yourpassword nopassword newpassword oldpassword letmeinnow
open opensesame sesame knockknock hellokitty kitty pussycat mickey minnie donald
goofy disney barbie ken elvis beatles metallica nirvana slipknot eminem shakira
""".split()

DIGIT_RUNS = [
    "123456", "1234567", "12345678", "123456789", "1234567890", "0123456789",
    "987654321", "0987654321", "111111", "1111111", "11111111", "000000", "00000000",
    "121212", "123123", "123321", "654321", "666666", "696969", "777777", "888888",
    "999999", "112233", "123654", "147258", "147258369", "159753", "159357", "7777777",
    "12341234", "11223344", "123qwe", "1234qwer", "12345qwert", "123456a", "a123456",
    "1234abcd", "abcd1234", "q1w2e3", "1a2b3c", "5201314", "131313", "232323", "456789",
    "88888888", "99999999", "22222222", "55555555", "12121212", "87654321", "13579",
    "24680", "1357924680", "102030", "10203040", "101010", "202020", "1password",
]

ENDINGS = ["", "1", "12", "123", "1234", "12345", "!", "1!", "123!", "01", "07", "69",
           "99", "00", "2", "11", "13", "22", "23", "77", "88", "@123", "#1"]
YEARS = [str(year) for year in range(1960, 2027)]


def generate() -> list[str]:
    found: set[str] = set(DIGIT_RUNS)
    for seed in SEEDS:
        for ending in [*ENDINGS, *YEARS]:
            found.add((seed + ending).casefold())
    # Shorter ones are refused for their length already.
    return sorted(word for word in found if len(word) >= 8)


def main() -> None:
    target = (Path(__file__).resolve().parents[1] / "src" / "kithbook" / "domain"
              / "common_passwords.txt")
    words = generate()
    target.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {len(words)} passwords to {target}")


if __name__ == "__main__":
    main()
