"""Realistic introduction purposes, labelled, for measuring the purpose screening.

Written after the rules in `kithbook.domain.screening` were fixed, as people write them:
half are what networking is (advice, learning, offering help, research, community), half
are what it is not (pitches, job asks, money asks, quid pro quo, empty one-liners). A few
acceptable ones deliberately use words that sound commercial ("pricing", "vendors",
"in return"), and a few unacceptable ones avoid the obvious words, because real requests
do both. Do not edit this set to make the numbers better; add to it.
"""

from __future__ import annotations

from typing import NamedTuple


class Purpose(NamedTuple):
    text: str
    acceptable: bool
    kind: str  # advice, learning, offer, research, community | selling, job, money, deal, vague


def _ok(kind: str, text: str) -> Purpose:
    return Purpose(text, True, kind)


def _bad(kind: str, text: str) -> Purpose:
    return Purpose(text, False, kind)


PURPOSES: list[Purpose] = [
    # ---- acceptable ------------------------------------------------------------------
    _ok("advice", "I'm moving our team from a monolith to services next quarter and would "
        "value 30 minutes of Bo's experience on what they'd do differently in hindsight."),
    _ok("research", "I'm writing a practitioner's guide to accessibility audits for "
        "public-sector websites and would like to ask Dina three questions about how her "
        "team prioritises fixes."),
    _ok("advice", "My co-founder and I are deciding whether to build our own billing or use "
        "a provider; Sam ran billing at two companies and I'd like to hear what he learned."),
    _ok("community", "I run a free mentoring circle for first-generation engineers and think "
        "Priya would enjoy speaking at one of our evenings; no obligation at all."),
    _ok("research", "We're a research group at the university studying soil carbon "
        "measurement, and Lena's field team has data we'd love to compare methods with; happy "
        "to share our protocol and co-author."),
    _ok("offer", "I noticed Marco is hiring his first designers. I've built two design teams "
        "and I'm glad to share my interview loop and rubric with him, free of course."),
    _ok("learning", "I'm considering a move from hospital nursing into health-tech product "
        "work and would like to understand what the day-to-day really looks like before I "
        "decide anything."),
    _ok("learning", "Could you ask Jun whether she'd be open to a short call about how her "
        "nonprofit measures volunteer retention? We're trying to set up our first survey."),
    _ok("community", "I'm organising a reading group on distributed systems papers and "
        "Aisha's blog posts on consensus have been our favourite; I'd like to invite her to "
        "join a session."),
    _ok("advice", "Our city council is drafting a bike-lane plan and I'd like Tomás's "
        "perspective as a traffic engineer on the data we should collect first."),
    _ok("advice", "I've just been made a manager for the first time and Ken has a reputation "
        "for growing new leads; I'd like to ask how he ran his first one-on-ones."),
    _ok("offer", "I'm learning Rust for embedded work and Femi maintains a crate I use; I "
        "found a bug and have a patch, and would like to ask how he prefers contributions."),
    _ok("research", "I'm preparing a talk on open-source sustainability and would like to "
        "ask Claire how her foundation decides which projects to support."),
    _ok("learning", "We met Ola's team at demo day and I'd love to share notes on what we "
        "each learned about onboarding hospital IT departments."),
    # The README's own example: a demo someone gave you is not a sales pitch.
    _ok("learning", "Ada gave me a demo of the difference engine; I'd like to ask Charles "
        "how they built its printing unit."),
    _ok("advice", "Aiko moved from Tokyo to Berlin with her family last year; we're doing "
        "the same in spring and I'd like to ask about schools and visas."),
    _ok("research", "I'm a PhD student working on fairness in credit scoring; Ravi led model "
        "risk at a bank and I'd like to understand how validation worked in practice."),
    _ok("community", "Mina is speaking about burnout in open source; I run a support group "
        "for maintainers and wonder if she'd like to exchange what we've both seen."),
    _ok("offer", "I have a spare ticket to the climate tech summit next week and I know "
        "Pedro is interested — happy to pass it on."),
    _ok("offer", "Our two cooperatives both make furniture from reclaimed wood; I'd like to "
        "ask Hana how they source timber and offer our contacts at the sawmill in return."),
    _ok("learning", "Not pitching anything: I'm curious how Yusuf's team evaluates "
        "data-labelling vendors, since we're writing an internal guide."),
    _ok("advice", "I'm hiring a head of engineering for the first time and would value "
        "advice from Grace on what to look for, since she's hired several."),
    _ok("learning", "I'd like to learn how Omar's clinic handled the switch to electronic "
        "records; we're a three-doctor practice about to do the same."),
    _ok("research", "Lucía wrote the report on water pricing in Andalusia; I'm a journalist "
        "covering drought policy and would like to interview her for a piece."),
    _ok("advice", "I'd be grateful for 20 minutes with Noor about the lessons from her "
        "failed startup; I'm at the same stage and want to avoid the same mistakes."),
    _ok("community", "Our hackerspace is running free repair cafés and Theo fixes old "
        "radios; I'd like to invite him to teach a session if he's interested."),
    _ok("research", "I'm researching how small bakeries use social media and would like to "
        "ask Élodie a few questions for my master's thesis; I'll share the results."),
    _ok("community", "Ben is new to the city and works in robotics like me; I'd like to "
        "welcome him and show him the local meetup scene."),
    _ok("advice", "I'd like Sara's advice on negotiating a first publishing contract; my "
        "agent has been unclear about the royalty terms."),
    _ok("learning", "Ivan built the open data portal for the region; we're building one for "
        "a neighbouring county and would like to reuse their schema rather than reinvent it."),
    _ok("advice", "Would Zoe be open to giving feedback on my pitch deck? I'm not asking for "
        "investment, only whether the story makes sense to someone who has raised before."),
    _ok("community", "I'm mentoring a student team in a robotics competition and Kofi "
        "coaches one too; I'd like to compare how we structure the season."),
    _ok("offer", "I heard Amira is exploring a move into policy work; I spent six years at "
        "the ministry and would like to offer her a candid view of what it's like."),
    # ---- not acceptable ----------------------------------------------------------------
    _bad("selling", "I'd love 15 minutes with Bo to show him how our platform cuts cloud "
         "costs by 30% — teams like his usually see ROI within a quarter."),
    _bad("selling", "We've launched an AI note-taker for clinics and Dina's hospital would be "
         "a perfect pilot customer; can you get me a meeting with their procurement lead?"),
    _bad("selling", "Can you introduce me to Sam? Our security training service would be a "
         "great fit for his company and I can offer an exclusive discount."),
    _bad("selling", "I sell commercial insurance and your friend Priya just opened a second "
         "restaurant; I'd like to walk her through a policy that could save her money."),
    _bad("selling", "Looking to get in front of Marco's team with our new recruiting "
         "software — a quick call is all I need."),
    _bad("selling", "We're a dev agency and Lena's startup clearly needs help shipping "
         "faster; I want to pitch our services to her."),
    _bad("selling", "Our CRM integrates with everything Jun uses; I'd like to book a demo "
         "with her ops team."),
    _bad("selling", "I'd like to give Noor's clinic a live demo of the scheduling tool we "
         "sell and talk about a pilot."),
    _bad("selling", "Please connect me with Tomás; I'd like him to trial our route-planning "
         "tool for his city's fleet and become one of our launch partners."),
    _bad("job", "I'm looking for my next role in data science and Aisha's company has "
         "openings; could you pass my CV along?"),
    _bad("job", "Can you ask Ken whether there are any positions on his team? I'd be a great "
         "fit and I'm available right away."),
    _bad("job", "I applied to Femi's company last week and haven't heard back — could you put "
         "in a good word with him so I get an interview?"),
    _bad("job", "I'd like an introduction to Claire so she can refer me for the senior PM "
         "opening at her company."),
    _bad("job", "Hoping Ola could get me a foot in the door at her firm; I've been trying to "
         "break into consulting for a year."),
    _bad("job", "Please introduce me to Aiko — I want to work at her studio and would like "
         "her to pass on my portfolio to the hiring manager."),
    _bad("job", "I need a job by March; Ravi seems to know everyone in fintech in this city."),
    _bad("money", "We're raising a $2M seed round and Mina is an active angel; can you "
         "introduce us so I can share our deck?"),
    _bad("money", "Pedro's family office invests in agritech; I'd like to ask him to "
         "consider a bridge investment in our company."),
    _bad("money", "Could you put me in touch with Hana? Our community garden needs a sponsor "
         "for the new greenhouse and her company has a giving programme."),
    _bad("money", "Yusuf funds early-stage founders — I'd like to get on his radar before we "
         "open our round next month."),
    _bad("money", "I'm looking for a small loan to bridge a cash-flow gap and Grace has "
         "helped people before."),
    _bad("money", "Omar is on the grants committee at the foundation; please introduce me so "
         "he can push our application for the 50k grant."),
    _bad("money", "I'd like to talk to Lucía about putting money into our restaurant "
         "expansion; we're offering 10% equity."),
    _bad("deal", "Introduce me to Noor and I'll return the favour with anyone in my network "
         "you want to meet."),
    _bad("deal", "If you can get me in a room with Theo, I'll pay you a 5% finder's fee on "
         "whatever we close."),
    _bad("deal", "I'll make it worth your while — just set up a call with Élodie for me."),
    _bad("deal", "I know you've been wanting to meet my CEO; connect me with Ben and I'll "
         "set that up in exchange."),
    _bad("vague", "Would love to connect!"),
    _bad("vague", "Hi, can you introduce me to Sara? Thanks."),
    _bad("vague", "I'd like to pick Ivan's brain sometime."),
    _bad("vague", "Keen to connect with Zoe and explore synergies between our companies."),
    _bad("vague", "Just want to expand my network in the Berlin startup scene; Kofi seems "
         "like a good person to know."),
    _bad("vague", "Quick chat with Amira would be great, let me know."),
]


# Written after the one revision of the rules that the set above prompted (plural forms,
# "<name>'s brain", adjectives between "our" and "tool", asks with no content at all),
# and never used to change them: the honest measure of the rules as they stand.
HELD_OUT: list[Purpose] = [
    _ok("learning", "Jonas ran the migration of his newsroom's archive to a new CMS; we're "
        "about to start ours and I'd like to hear which parts took longest."),
    _ok("advice", "I coordinate a volunteer translation project for refugee legal guides and "
        "would be glad to have Fatima's view on which languages are most needed."),
    _ok("advice", "I've been asked to set up an engineering internship programme and know "
        "Wei did this at his last company — I'd like to ask how he picked projects for "
        "interns."),
    _ok("research", "Paula published a dataset on urban heat islands; I'm modelling tree "
        "cover in the same city and would like to discuss combining our data for a joint "
        "paper."),
    _ok("offer", "Happy to help Leo's team with their Kubernetes upgrade — we went through "
        "the same painful version jump last month and wrote down every gotcha."),
    _ok("advice", "I'm starting a small-press magazine about rural crafts and would love "
        "Greta's thoughts on how she found her first subscribers."),
    _ok("advice", "Our school's parent association wants to run a coding club and Dev "
        "teaches at a bootcamp; I'd like to ask what curriculum he'd recommend for "
        "10-year-olds."),
    _ok("research", "I'm comparing how cities license street vendors for a policy brief and "
        "Nadia worked on exactly that in Lisbon."),
    _ok("offer", "Rosa is leaving academia for industry, as I did two years ago; I'd like to "
        "offer to talk her through what surprised me."),
    _ok("advice", "Could I ask Tariq how his team handles on-call for a small SRE group? "
        "We're four people and burning out."),
    _ok("community", "Ingrid organises the regional women-in-tech dinner; I'd like to "
        "volunteer to help with logistics for the next one."),
    _ok("advice", "I'm writing my first grant proposal for a community archive and would "
        "like Mateo's advice on how reviewers read the budget section."),
    _bad("selling", "Our analytics dashboard would save Jonas's newsroom hours every week; "
         "I'd like 20 minutes to show his editors what it can do."),
    _bad("selling", "Fatima's NGO should really be using our translation API — can you set "
         "up a call with their CTO so we can discuss a contract?"),
    _bad("job", "I'm on the job market after the layoffs and Wei's team is growing; could "
         "you ask him to look at my application?"),
    _bad("job", "Please connect me with Paula, I'd really like to join her lab as a postdoc "
         "next year."),
    _bad("money", "We're closing a pre-seed round this month and Leo writes small checks "
         "into dev tools; would you intro us?"),
    _bad("money", "Greta's foundation gives out microgrants; I'd like her to fund our "
         "podcast's next season."),
    _bad("deal", "Connect me with Dev and I'll send you two tickets to the conference as a "
         "thank-you."),
    _bad("deal", "If Nadia signs with us I'll cut you in on the first year's fees."),
    _bad("vague", "Hey! Would be awesome to meet Rosa."),
    _bad("vague", "Let's get Tariq and me on a call, I think there's a lot we could do "
         "together."),
    _bad("selling", "I'm selling my consultancy's services to mid-size retailers and "
         "Ingrid's company fits the profile exactly."),
    _bad("money", "Mateo is a partner at a VC fund — I'd like to present our startup to "
         "him."),
]


# Written after the second revision (which the set above prompted) and never used to
# change the rules: the honest measure of the rules as they stand now.
HELD_OUT_2: list[Purpose] = [
    _ok("learning", "Kemi spent ten years in supply-chain planning at a grocery chain; I'm a "
        "data analyst new to the field and would appreciate an hour of her time to "
        "understand how forecasts are actually used on the shop floor."),
    _ok("offer", "I'd like to thank Arjun in person: his open-source scheduling library "
        "saved our clinic weeks, and I'd like to ask whether he'd want a write-up of how we "
        "used it."),
    _ok("community", "We're both organising Python meetups in neighbouring towns; I'd like "
        "to talk with Hugo about sharing speakers and maybe running a joint event."),
    _ok("learning", "My daughter wants to study marine biology and Isla is a marine "
        "biologist — could she answer a few of her questions over email? No pressure at "
        "all."),
    _ok("learning", "I'm a product manager moving into a role on a payments team and Ruth "
        "knows card networks inside out; I'd like to ask her what to read first."),
    _ok("offer", "Felix is writing a book on the history of typefaces; I have my "
        "grandfather's letterpress archive and would gladly let him use it."),
    _ok("advice", "I'm evaluating open-source observability stacks for our team and Mei ran "
        "Prometheus at scale; I'd love to hear what she would choose today."),
    _ok("community", "Ana and I are both in the alumni mentoring scheme and I'd like to "
        "compare notes on how we structure mentee goals."),
    _ok("advice", "I'd like to ask Gustavo about his experience of moving a bakery to a "
        "four-day week — we're a small café considering it."),
    _ok("community", "Selin leads accessibility at a bank; I'm running a free workshop for "
        "designers at our local library and would like to invite her to co-host."),
    _ok("research", "Could you ask Nikhil whether he'd review a short paper draft on fraud "
        "detection in payments? He's cited in it and his feedback would improve it a lot."),
    _ok("learning", "I'm an investor myself and I'd like to learn from Farah how her fund "
        "thinks about climate adaptation, to improve our own thesis."),
    _bad("selling", "We help restaurants cut food waste with smart scales and Kemi's chain "
         "is exactly our ideal customer; a 20-minute intro call would be amazing."),
    _bad("selling", "Can you get me a meeting with Arjun? I want to pitch him on licensing "
         "our scheduling product for his company."),
    _bad("job", "I'm looking for a new job in developer relations and Hugo's company is "
         "hiring; would you pass on my details?"),
    _bad("job", "Isla's lab has an opening for a research assistant and I'd like you to put "
         "in a word for me."),
    _bad("money", "We're raising a small friends-and-family round; Ruth has money to invest "
         "and I'd like to show her our plan."),
    _bad("money", "Felix's publishing house gives advances to first-time authors; please "
         "introduce me so I can ask him for one for my novel."),
    _bad("deal", "If Mei becomes a client I'll split the first contract with you 50/50."),
    _bad("deal", "Introduce me to Gustavo and I'll owe you one — I can get you into the "
         "private tasting next month."),
    _bad("vague", "I'd like to meet Selin."),
    _bad("vague", "Hello, I think it would be mutually beneficial for us to connect, Nikhil "
         "sounds interesting."),
    _bad("selling", "Ana's team might need our consultancy; I'd like to make her an offer "
         "she can't refuse."),
    _bad("money", "Could you ask Farah to sponsor our hackathon? We need about $5,000 for "
         "prizes and food."),
]
