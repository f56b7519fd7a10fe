#!/usr/bin/env python3
"""Generates the lexical-retrieval test set (retrieval_set.json).

Memories are short facts in the style mem0 extracts from long chats
("Caroline went to an LGBTQ support group on 7 May 2023", "Allergic to
peanuts"). Questions are phrased the way a user asks them, with their own
wording (paraphrases, other word forms, other date formats), and list the
memory ids that answer them. Every speaker has many memories that share
words with the questions (distractors), and speakers share jobs, pets,
cities and hobbies.

Two scopes:
  - "chat": 20 named speakers, ~50 memories each.
  - "user": one first-person user (mem0's user_id scope), memories without
    a name ("Likes spicy Thai food", "User's dog is named Max").

Question templates are split in two: "dev" templates were used while
tuning the analyzer (expansions, k1, b); "heldout" templates (the last
template of each fact) were not looked at while tuning.

Usage: python3 generate.py > retrieval_set.json   (stdlib only, seeded)
"""
import json
import random
import sys

SEED = 20240601
rng = random.Random(SEED)

SPEAKERS = [
    ("Caroline", "f"), ("Melanie", "f"), ("Jon", "m"), ("Gina", "f"), ("John", "m"),
    ("Maria", "f"), ("Joanna", "f"), ("Nate", "m"), ("Tim", "m"), ("Audrey", "f"),
    ("Andrew", "m"), ("Deborah", "f"), ("Evan", "m"), ("Sam", "m"), ("Calvin", "m"),
    ("Dave", "m"), ("Jolene", "f"), ("James", "m"), ("Priya", "f"), ("Omar", "m"),
]
OTHER_NAMES = ["Rachel", "Luis", "Hannah", "Kevin", "Sofia", "Marcus", "Elena", "Derek",
               "Nina", "Oscar", "Grace", "Ben", "Chloe", "Victor", "Ivy", "Leo", "Zara",
               "Felix", "Mia", "Hugo", "Ruby", "Theo", "Alice", "Owen"]

# (job title, workplace, paraphrase used by questions about the field)
JOBS = [
    ("nurse", "St. Mary's Hospital"), ("software engineer", "a fintech startup"),
    ("teacher", "Lincoln Elementary School"), ("accountant", "a small tax firm"),
    ("graphic designer", "an advertising agency"), ("chef", "an Italian restaurant downtown"),
    ("pharmacist", "a local pharmacy"), ("lawyer", "an immigration law firm"),
    ("physical therapist", "a sports clinic"), ("barista", "a coffee shop near campus"),
    ("firefighter", "the city fire department"), ("librarian", "the public library"),
    ("veterinarian", "an animal hospital"), ("electrician", "a construction company"),
    ("counselor", "a youth center"), ("data analyst", "an insurance company"),
    ("photographer", "a wedding studio"), ("dentist", "a family dental practice"),
    ("journalist", "the local newspaper"), ("mechanic", "an auto repair shop"),
]
CITIES = ["Boston", "Denver", "Seattle", "Austin", "Chicago", "Portland", "San Diego",
          "Atlanta", "Minneapolis", "Phoenix", "Nashville", "Philadelphia", "Miami",
          "Pittsburgh", "Sacramento", "Raleigh"]
PET_KINDS = ["dog", "cat", "dog", "cat", "parrot", "rabbit", "hamster", "turtle"]
PET_NAMES = ["Max", "Luna", "Bella", "Charlie", "Oliver", "Milo", "Daisy", "Rocky",
             "Coco", "Pepper", "Biscuit", "Ziggy", "Oreo", "Maple", "Shadow", "Nala",
             "Buddy", "Ginger", "Toby", "Willow", "Pickles", "Mochi"]
BREEDS = {"dog": ["golden retriever", "beagle", "labrador", "corgi", "husky"],
          "cat": ["tabby", "Siamese", "Maine Coon", "black"],
          "parrot": ["African grey"], "rabbit": ["lop-eared"], "hamster": ["Syrian"],
          "turtle": ["box"]}
KID_NAMES = ["Emma", "Liam", "Ava", "Noah", "Olivia", "Ethan", "Sophie", "Lucas", "Lily",
             "Mason", "Ella", "Jack", "Zoe", "Henry", "Maya", "Sam"]
CUISINES = [("Thai", "green curry"), ("Mexican", "tacos al pastor"), ("Italian", "lasagna"),
            ("Japanese", "ramen"), ("Indian", "butter chicken"), ("Korean", "bibimbap"),
            ("Greek", "moussaka"), ("Vietnamese", "pho"), ("Ethiopian", "injera"),
            ("Lebanese", "falafel")]
ALLERGENS = ["peanuts", "shellfish", "cats", "pollen", "penicillin", "gluten", "bee stings",
             "dairy"]
SUBJECTS = ["psychology", "computer science", "nursing", "art history", "biology",
            "economics", "mechanical engineering", "English literature", "marketing",
            "chemistry", "political science", "music"]
UNIVERSITIES = ["the University of Michigan", "Boston University", "UCLA", "Ohio State",
                "NYU", "the University of Texas", "Penn State", "Georgia Tech",
                "the University of Oregon", "Arizona State"]
INSTRUMENTS = ["guitar", "piano", "violin", "drums", "ukulele", "cello", "saxophone"]
HOBBIES = [  # (memory phrase, question phrase about the activity)
    ("painting landscapes", "paint"), ("pottery", "ceramics"), ("rock climbing", "climbing"),
    ("baking sourdough bread", "bake"), ("birdwatching", "birds"), ("knitting", "knit"),
    ("gardening", "garden"), ("photography", "photos"), ("hiking", "hikes"),
    ("playing chess", "chess"), ("woodworking", "woodwork"), ("surfing", "surf"),
    ("yoga", "yoga"), ("salsa dancing", "dance"), ("video games", "gaming"),
]
CAR_MAKES = ["Toyota Prius", "Honda Civic", "Subaru Outback", "Ford F-150", "Tesla Model 3",
             "Jeep Wrangler", "Mazda CX-5", "Volkswagen Golf"]
COLORS = ["red", "blue", "silver", "black", "white", "green"]
BOOKS = [("Becoming", "Michelle Obama"), ("The Midnight Library", "Matt Haig"),
         ("Educated", "Tara Westover"), ("Dune", "Frank Herbert"),
         ("Little Women", "Louisa May Alcott"), ("The Alchemist", "Paulo Coelho"),
         ("Where the Crawdads Sing", "Delia Owens"), ("Atomic Habits", "James Clear"),
         ("Project Hail Mary", "Andy Weir"), ("Circe", "Madeline Miller")]
MOVIES = ["Inception", "Coco", "Parasite", "The Grand Budapest Hotel", "Interstellar",
          "Spirited Away", "Arrival", "La La Land"]
LANGUAGES = ["Spanish", "French", "Mandarin", "German", "Italian", "Portuguese", "Japanese",
             "Arabic"]
FEARS = [("heights", "high places"), ("spiders", "spiders"), ("flying", "airplanes"),
         ("deep water", "the ocean"), ("snakes", "snakes")]
TRIPS = [("a camping trip", "Yosemite"), ("a road trip", "the Grand Canyon"),
         ("a beach vacation", "Hawaii"), ("a hiking trip", "the Rocky Mountains"),
         ("a trip", "Japan"), ("a trip", "Italy"), ("a family vacation", "Disney World"),
         ("a ski trip", "Colorado"), ("a trip", "Iceland"), ("a weekend getaway", "Napa Valley")]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov",
              "Dec"]
# (memory phrase with "on {date}", question about the event in other words)
EVENTS = [
    ("went to an LGBTQ support group", "attend the LGBTQ support group meeting",
     "go to a support group"),
    ("ran a charity 5k race", "run the charity 5K", "do a charity run"),
    ("attended a pottery workshop", "go to the ceramics class", "take a pottery class"),
    ("gave a talk at a local school", "speak at the school", "give a speech"),
    ("went to a Taylor Swift concert", "see Taylor Swift perform live", "go to a concert"),
    ("adopted a kitten from the shelter", "adopt the kitten", "get a new cat"),
    ("had a job interview at a tech company", "interview for the tech job",
     "interview for a job"),
    ("volunteered at a food bank", "help out at the food bank", "volunteer"),
    ("went to a friend's wedding in the mountains", "attend the wedding", "go to a wedding"),
    ("painted a mural at the community center", "paint the mural",
     "work on the community mural"),
    ("took the kids to the science museum", "visit the science museum",
     "go to a museum"),
    ("joined a book club", "join the reading group", "sign up for a book club"),
    ("went to a pride parade", "march in the pride parade", "attend pride"),
    ("started a new job", "begin working at the new company", "change jobs"),
    ("signed up for a cooking class", "enroll in the cooking course", "take cooking lessons"),
    ("visited the aquarium with friends", "go to the aquarium", "see the fish at the aquarium"),
]

memories = []  # per scope lists
questions = []


def pron(g):
    return {"f": ("she", "her", "her"), "m": ("he", "him", "his")}[g]


def fmt_date(y, m, d, style):
    if style == 0:
        return f"{d} {MONTHS[m - 1]} {y}"
    if style == 1:
        return f"{MONTHS[m - 1]} {d}, {y}"
    if style == 2:
        return f"{y}-{m:02d}-{d:02d}"
    return f"{MONTHS[m - 1]} {d}{ordinal(d)} {y}"


def ordinal(d):
    if 11 <= d <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")


class Scope:
    def __init__(self, name):
        self.name = name
        self.memories = []
        self.questions = []

    def mem(self, text):
        mid = f"{self.name}-m{len(self.memories) + 1:04d}"
        self.memories.append({"id": mid, "text": text})
        return mid

    def ask(self, templates, answers, kind, **fmt):
        """templates: list of question templates; the last is held out."""
        i = rng.randrange(len(templates))
        split = "heldout" if i == len(templates) - 1 and len(templates) > 1 else "dev"
        q = templates[i].format(**fmt)
        self.questions.append({"id": f"{self.name}-q{len(self.questions) + 1:03d}",
                               "question": q, "answers": list(answers), "type": kind,
                               "split": split})


def speaker_facts(scope, name, g, others):
    she, her_o, her = pron(g)
    She = she.capitalize()
    qs = []  # candidate questions: (templates, answers, kind, fmt)
    f = {"n": name, "she": she, "her": her}

    # Job.
    job, place = rng.choice(JOBS)
    m_job = scope.mem(rng.choice([
        f"{name} works as a {job} at {place}",
        f"{name} is a {job} at {place}",
        f"{name} has been working as a {job} at {place} for {rng.randint(2, 12)} years",
    ]))
    qs.append((["What does {n} do for a living?", "What is {n}'s job?",
                "What's {n}'s profession?", "Where is {n} employed?",
                "What is {n}'s occupation?"], [m_job], "single", f))
    scope.mem(rng.choice([
        f"{name} finds {her} job stressful during the holidays",
        f"{name} is thinking about asking for a raise at work",
        f"{name} helped a friend prepare for a job interview",
    ]))

    # Where they live, moved from.
    city, old_city = rng.sample(CITIES, 2)
    move_year = rng.randint(2012, 2021)
    m_city = scope.mem(rng.choice([
        f"{name} lives in {city}",
        f"{name} currently lives in an apartment in {city}",
        f"{name} lives in {city} with {her} family",
    ]))
    m_move = scope.mem(rng.choice([
        f"{name} moved to {city} from {old_city} in {move_year}",
        f"{name} grew up in {old_city} and relocated to {city} in {move_year}",
    ]))
    qs.append((["Where does {n} live?", "Which city is {n} based in?",
                "What city does {n} call home?"], [m_city], "single", f))
    qs.append((["Where did {n} live before moving?", "Where is {n} originally from?",
                "Which city did {n} grow up in?"], [m_move], "single", f))
    qs.append((["When did {n} move to {city}?", "What year did {n} relocate to {city}?",
                "How long ago did {n} settle in {city}?"], [m_move], "single",
               dict(f, city=city)))
    relative = rng.choice(["sister", "brother", "cousin", "best friend"])
    scope.mem(f"{name}'s {relative} lives in {rng.choice([c for c in CITIES if c != city])}")

    # Pets.
    if rng.random() < 0.75:
        kind = rng.choice(PET_KINDS)
        pet = rng.choice(PET_NAMES)
        breed = rng.choice(BREEDS[kind])
        m_pet = scope.mem(rng.choice([
            f"{name} has a {breed} {kind} named {pet}",
            f"{name}'s {kind} is called {pet}",
            f"{name} adopted a {kind} named {pet} from a rescue shelter",
        ]))
        qs.append((["What is the name of {n}'s {animal}?", "What's {n}'s {animal} called?",
                    "Does {n} have any pets?", "What pet does {n} own?"], [m_pet], "single",
                   dict(f, animal=kind)))
        m_pet2 = scope.mem(rng.choice([
            f"{pet} loves chasing squirrels at the park",
            f"{name} takes {pet} to the vet every spring",
            f"{name} bought a new bed for {pet}",
        ]))
        qs.append((["Who is {pet}?", "What do we know about {pet}?"], [m_pet, m_pet2],
                   "multi", dict(f, pet=pet)))
    scope.mem(rng.choice([
        f"{name} watched a documentary about dogs",
        f"{name} thinks cats are easier to care for than dogs",
        f"{name} is allergic to nothing but dislikes pet hair on {her} clothes",
        f"{name}'s neighbor has a loud dog",
    ]))

    # Partner.
    partner = rng.choice(OTHER_NAMES)
    years = rng.randint(2, 15)
    if rng.random() < 0.6:
        m_partner = scope.mem(rng.choice([
            f"{name} has been married to {partner} for {years} years",
            f"{name}'s {'wife' if g == 'm' else 'husband'} is {partner}",
        ]))
        qs.append((["Who is {n}'s spouse?", "Who is {n} married to?",
                    "What is the name of {n}'s partner?"], [m_partner], "single", f))
    else:
        m_partner = scope.mem(f"{name} is dating {partner}, whom {she} met at a friend's party")
        qs.append((["Is {n} seeing anyone?", "Who is {n} in a relationship with?",
                    "Who is {n}'s partner?"], [m_partner], "single", f))
    scope.mem(f"{name} and {partner} argued about who does the dishes")

    # Kids.
    nkids = rng.choice([0, 0, 1, 2, 2, 3])
    if nkids:
        kids = rng.sample(KID_NAMES, nkids)
        kid_mems = []
        words = {1: "one kid", 2: "two kids", 3: "three kids"}
        m_count = scope.mem(rng.choice([
            f"{name} has {words[nkids]}" if nkids > 1 else f"{name} has a young child",
            f"{name} is a parent of {nkids} " + ("children" if nkids > 1 else "child"),
        ]))
        for k in kids:
            rel = rng.choice(["son", "daughter"])
            kid_mems.append(scope.mem(rng.choice([
                f"{name}'s {rel} {k} is {rng.randint(3, 16)} years old",
                f"{name}'s {rel} {k} started kindergarten in September 2023",
                f"{name}'s {rel} {k} plays soccer on weekends",
            ])))
        qs.append((["How many children does {n} have?", "Does {n} have kids?",
                    "How many kids does {n} have?"], [m_count], "single", f))
        if nkids > 1:
            qs.append((["What are the names of {n}'s kids?", "What are {n}'s children called?"],
                       kid_mems, "multi", f))
    scope.mem(rng.choice([
        f"{name} babysat {her} neighbor's kids last weekend",
        f"{name} thinks kids grow up too fast",
        f"{name} remembers {her} own childhood summers fondly",
    ]))

    # Hobbies.
    hobby, hobby_q = rng.choice(HOBBIES)
    hobby2, _ = rng.choice([h for h in HOBBIES if h[0] != hobby])
    m_hobby = scope.mem(rng.choice([
        f"{name} enjoys {hobby} in {her} free time",
        f"{name} loves {hobby}",
        f"{name} has been into {hobby} since college",
    ]))
    m_hobby2 = scope.mem(f"{name} recently got into {hobby2}")
    qs.append((["What does {n} like to do in {her} spare time?", "What are {n}'s hobbies?",
                "What does {n} do for fun?"], [m_hobby, m_hobby2], "multi", f))

    # Instrument.
    if rng.random() < 0.5:
        inst = rng.choice(INSTRUMENTS)
        y, m = rng.choice([2022, 2023]), rng.randint(1, 12)
        m_inst = scope.mem(rng.choice([
            f"{name} started learning to play the {inst} in {MONTHS[m - 1]} {y}",
            f"{name} has been taking {inst} lessons since {MONTHS[m - 1]} {y}",
        ]))
        qs.append((["What instrument is {n} learning?",
                    "When did {n} begin playing the {inst}?",
                    "Does {n} play any musical instruments?"], [m_inst], "single",
                   dict(f, inst=inst)))

    # Food.
    cuisine, dish = rng.choice(CUISINES)
    m_food = scope.mem(rng.choice([
        f"{name} loves {cuisine} food, especially {dish}",
        f"{name}'s favorite dish is {dish}",
        f"{name} likes spicy {cuisine} food",
    ]))
    qs.append((["What kind of food does {n} enjoy?", "What is {n}'s favourite food?",
                "What cuisine does {n} like best?"], [m_food], "single", f))
    scope.mem(rng.choice([
        f"{name} had dinner at a {rng.choice(CUISINES)[0]} restaurant with coworkers",
        f"{name} is trying to eat less sugar",
        f"{name} cooked dinner for {her} parents on Sunday",
    ]))

    # Allergy.
    if rng.random() < 0.5:
        allergen = rng.choice(ALLERGENS)
        m_allergy = scope.mem(rng.choice([
            f"{name} is allergic to {allergen}",
            f"{name} has a severe allergy to {allergen}",
        ]))
        qs.append((["Does {n} have any allergies?", "What is {n} allergic to?",
                    "Is there anything {n} can't eat or be around?"], [m_allergy], "single", f))

    # Education.
    subject, uni = rng.choice(SUBJECTS), rng.choice(UNIVERSITIES)
    grad = rng.randint(2005, 2020)
    m_edu = scope.mem(rng.choice([
        f"{name} graduated from {uni} with a degree in {subject} in {grad}",
        f"{name} studied {subject} at {uni}",
    ]))
    qs.append((["What did {n} major in?", "Where did {n} go to college?",
                "What did {n} study at university?", "Which school did {n} attend?"],
               [m_edu], "single", f))
    scope.mem(f"{name} is considering going back to school for a master's degree")

    # Car.
    car, color = rng.choice(CAR_MAKES), rng.choice(COLORS)
    m_car = scope.mem(rng.choice([f"{name} drives a {color} {car}",
                                  f"{name} bought a used {car} last year"]))
    qs.append((["What car does {n} have?", "What does {n} drive?",
                "What kind of vehicle does {n} own?"], [m_car], "single", f))

    # Book / movie.
    book, author = rng.choice(BOOKS)
    m_book = scope.mem(rng.choice([
        f"{name}'s favorite book is {book} by {author}",
        f"{name} recently read {book} and loved it",
        f"{name} is reading {book} by {author}",
    ]))
    qs.append((["What book is {n} reading?", "What novel did {n} enjoy?",
                "Which book would {n} recommend?"], [m_book], "single", f))
    movie = rng.choice(MOVIES)
    m_movie = scope.mem(rng.choice([f"{name}'s favorite movie is {movie}",
                                    f"{name} watched {movie} three times"]))
    qs.append((["What is {n}'s favorite film?", "Which movie does {n} love?"], [m_movie],
               "single", f))

    # Languages, fears, health.
    lang = rng.choice(LANGUAGES)
    m_lang = scope.mem(rng.choice([f"{name} speaks fluent {lang}",
                                   f"{name} is learning {lang} on Duolingo"]))
    qs.append((["What languages does {n} speak?", "Is {n} bilingual?",
                "Which foreign language is {n} studying?"], [m_lang], "single", f))
    fear, fear_q = rng.choice(FEARS)
    m_fear = scope.mem(rng.choice([f"{name} is afraid of {fear}",
                                   f"{name} has a fear of {fear}"]))
    qs.append((["What is {n} scared of?", "Does {n} have any phobias?",
                "What frightens {n}?"], [m_fear], "single", f))
    body = rng.choice(["knee", "ankle", "back", "wrist", "shoulder"])
    how = rng.choice(["while hiking", "playing basketball", "during a yoga class",
                      "moving furniture"])
    iy, im = rng.choice([2022, 2023]), rng.randint(1, 12)
    m_injury = scope.mem(f"{name} hurt {her} {body} {how} in {MONTHS[im - 1]} {iy}")
    qs.append((["How did {n} injure {her} {body}?", "When did {n} get injured?",
                "What happened to {n}'s {body}?"], [m_injury], "single", dict(f, body=body)))

    # Birthday, age.
    bm, bd = rng.randint(1, 12), rng.randint(1, 28)
    age = rng.randint(24, 58)
    m_bday = scope.mem(rng.choice([f"{name}'s birthday is on {MONTHS[bm - 1]} {bd}",
                                   f"{name} was born on {bd} {MONTHS[bm - 1]}"]))
    qs.append((["When is {n}'s birthday?", "What day was {n} born?",
                "When does {n} celebrate {her} birthday?"], [m_bday], "single", f))
    m_age = scope.mem(f"{name} is {age} years old")
    qs.append((["How old is {n}?", "What is {n}'s age?"], [m_age], "single", f))

    # Plans.
    trip, dest = rng.choice(TRIPS)
    tm = rng.randint(1, 12)
    m_trip = scope.mem(rng.choice([
        f"{name} is planning {trip} to {dest} in {MONTHS[tm - 1]}",
        f"{name} wants to go on {trip} to {dest} next {MONTHS[tm - 1]}",
    ]))
    qs.append((["Where is {n} going on vacation?", "What travel plans does {n} have?",
                "What trip is {n} planning for {month}?", "Where does {n} hope to travel?"],
               [m_trip], "single", dict(f, month=MONTHS[tm - 1])))
    scope.mem(f"{name} visited {rng.choice(TRIPS)[1]} as a kid")

    # Dated events (temporal questions).
    evs = rng.sample(EVENTS, 4)
    ev_dates = []
    for ev, ev_q, ev_q2 in evs:
        y = rng.choice([2022, 2023, 2023])
        m, d = rng.randint(1, 12), rng.randint(1, 28)
        mid = scope.mem(f"{name} {ev} on {fmt_date(y, m, d, rng.randrange(4))}")
        ev_dates.append((mid, y, m, d, ev_q, ev_q2))
    for mid, y, m, d, ev_q, ev_q2 in ev_dates[:3]:
        other = rng.randrange(4)
        qs.append((["When did {n} {evq}?", "What did {n} do on {date}?",
                    "On what date did {n} {evq}?", "Did {n} {evq2} in {mon} {y}?"], [mid],
                   "temporal", dict(f, evq=ev_q, evq2=ev_q2, date=fmt_date(y, m, d, other),
                                    mon=MONTHS[m - 1], y=y)))
    # "What did X do in <month> <year>?" -> all events in that month.
    mid, y, m, d, _, _ = ev_dates[3]
    same = [e[0] for e in ev_dates if e[1] == y and e[2] == m]
    qs.append((["What did {n} do in {mon} {y}?", "What was {n} up to in {mon_abbr} {y}?"],
               same, "temporal", dict(f, mon=MONTHS[m - 1], mon_abbr=MONTH_ABBR[m - 1], y=y)))

    # Fillers sharing vocabulary with questions.
    fillers = [
        f"{name} said work has been busy lately",
        f"{name} enjoyed a long walk in the park on Sunday",
        f"{name} feels grateful for {her} supportive friends",
        f"{name} bought new running shoes",
        f"{name} wants to spend more time outdoors",
        f"{name} thinks {rng.choice(CITIES)} has great food",
        f"{name} is saving money for a new house",
        f"{name} went to the dentist for a checkup",
        f"{name} had a great time at a friend's birthday party",
        f"{name} mentioned that {she} rarely watches TV",
        f"{name} prefers mornings to evenings",
        f"{name} drinks two cups of coffee every day",
        f"{name} is trying to get more sleep",
        f"{name} finds journaling helpful for {her} mental health",
        f"{name} loves the smell of rain",
        f"{name} has been feeling tired after work",
        f"{name} recommends {rng.choice(MOVIES)} to friends who like sci-fi",
        f"{name} is looking for a new apartment closer to work",
    ]
    for text in rng.sample(fillers, 16):
        scope.mem(text)

    # Cross-speaker (multi-hop-ish) facts.
    friend = rng.choice(others)
    m_friend = scope.mem(f"{name}'s best friend is {friend}")
    qs.append((["Who is {n}'s closest friend?", "Who is {n} best friends with?"], [m_friend],
               "single", f))
    qs.append((["Where does {n}'s best friend live?",
                "Which city is {n}'s closest friend based in?"], [m_friend], "multi-hop",
               dict(f, friend=friend)))
    return qs, m_job, m_city


def build_chat():
    scope = Scope("chat")
    names = [n for n, _ in SPEAKERS]
    per_speaker = {}
    all_qs = []
    for name, g in SPEAKERS:
        others = [n for n in names if n != name]
        qs, m_job, m_city = speaker_facts(scope, name, g, others)
        per_speaker[name] = (m_job, m_city)
        all_qs.append(qs)
    # Multi-hop answers for "where does X's best friend live": the friend
    # memory and the friend's city memory.
    for qs in all_qs:
        for templates, answers, kind, fmt in qs:
            if kind == "multi-hop":
                answers.append(per_speaker[fmt["friend"]][1])
    # ~11 questions per speaker, always including the dated and multi ones.
    for qs in all_qs:
        temporal = [q for q in qs if q[2] == "temporal"]
        must = [temporal[0], temporal[-1]] + [q for q in qs if q[2] == "multi-hop"][:1]
        rest = [q for q in qs if q not in must]
        for templates, answers, kind, fmt in must + rng.sample(rest, min(8, len(rest))):
            scope.ask(templates, answers, kind, **fmt)
    return scope


def build_user():
    """First-person user scope: memories without the user's name."""
    scope = Scope("user")
    facts = [
        # (memory, question templates)
        ("Likes spicy Thai food", ["What kind of food do I like?", "What cuisine do I enjoy?"]),
        ("Is vegetarian since 2019", ["Do I eat meat?", "What's my diet?"]),
        ("Allergic to peanuts", ["What am I allergic to?", "Do I have any food allergies?"]),
        ("User's dog is named Max", ["What's my dog's name?", "What is my pet called?"]),
        ("Max is a 4 year old golden retriever", ["What breed is my dog?", "How old is Max?"]),
        ("Works as a nurse at St. Mary's hospital",
         ["Where do I work?", "What is my job?", "What's my occupation?"]),
        ("Works night shifts three times a week", ["What hours do I work?",
                                                   "How often am I on the night shift?"]),
        ("Lives in Portland, Oregon", ["Which city do I live in?", "Where is my home?"]),
        ("Moved to Portland in August 2021", ["When did I move to Portland?",
                                              "How long have I been in Portland?"]),
        ("Has a younger sister named Emily who lives in Chicago",
         ["Do I have any siblings?", "Where does my sister live?"]),
        ("Mother's birthday is on 12 March", ["When is my mom's birthday?",
                                              "What day is my mother's birthday?"]),
        ("Is training for the Chicago marathon in October 2024",
         ["What race am I preparing for?", "When is my marathon?"]),
        ("Runs 5 miles every morning before work", ["How far do I run each day?",
                                                    "What's my morning exercise routine?"]),
        ("Favorite band is Fleetwood Mac", ["What music do I like?", "Who's my favourite band?"]),
        ("Plays the acoustic guitar", ["What instrument do I play?", "Do I play guitar?"]),
        ("Is learning Spanish for a trip to Mexico",
         ["Which language am I studying?", "Why am I learning Spanish?"]),
        ("Planning a trip to Mexico City in December 2024",
         ["Where am I travelling at the end of the year?", "What are my holiday plans?"]),
        ("Drives a 2018 Honda Civic", ["What car do I drive?", "What vehicle do I own?"]),
        ("Prefers tea over coffee", ["Do I drink coffee?", "What's my preferred hot drink?"]),
        ("Is afraid of heights", ["What am I scared of?", "Do I have a fear of heights?"]),
        ("Graduated from Oregon State with a nursing degree in 2016",
         ["Where did I go to college?", "What did I study?", "When did I graduate?"]),
        ("Husband's name is David", ["Who is my spouse?", "What's my husband called?"]),
        ("Married David on 5 June 2018", ["When is my wedding anniversary?",
                                          "When did I get married?"]),
        ("Has two kids, Lily (7) and Ben (4)", ["How many children do I have?",
                                                "What are my kids' names?"]),
        ("Lily is allergic to cats", ["Which of my kids has an allergy?",
                                      "Why can't we get a cat?"]),
        ("Ben started preschool in September 2024", ["When did Ben begin preschool?",
                                                     "Is Ben in school yet?"]),
        ("Enjoys gardening, especially growing tomatoes",
         ["What do I grow in my garden?", "What are my hobbies?"]),
        ("Reads mystery novels before bed", ["What books do I like?",
                                             "What kind of novels do I read?"]),
        ("Favorite movie is The Shawshank Redemption", ["What's my favourite film?",
                                                        "Which movie do I love most?"]),
        ("Doesn't like horror movies", ["What movies do I avoid?",
                                        "Do I watch scary films?"]),
        ("Email is sam.rivera@example.com", ["What is my email address?",
                                             "How can people contact me by email?"]),
        ("Uses the website https://myrunlog.example.org to track runs",
         ["Where do I log my runs?", "Which site tracks my running?"]),
        ("Wants to buy a house in the suburbs next year",
         ["What are my plans for buying a home?", "Am I looking to purchase property?"]),
        ("Saving $500 a month for a down payment", ["How much do I save each month?",
                                                     "What's my monthly savings goal?"]),
        ("Had knee surgery on 2023-11-14", ["When was my knee operation?",
                                            "When did I have surgery?"]),
        ("Takes vitamin D supplements daily", ["What supplements do I take?",
                                               "Do I take any vitamins?"]),
        ("Volunteers at the animal shelter on Saturdays",
         ["Where do I volunteer?", "What do I do on weekends?"]),
        ("Best friend is Jessica from nursing school", ["Who is my best friend?",
                                                        "Who's my closest friend?"]),
        ("Dislikes cold weather", ["What weather do I hate?", "Do I like winter?"]),
        ("Celebrates Diwali with friends every year", ["What holidays do I celebrate?",
                                                        "Do I celebrate Diwali?"]),
    ]
    # Distractors sharing words with the facts.
    distractors = [
        "Thinks Thai restaurants in Portland are overpriced", "Friend Jessica likes Mexican food",
        "Watched a documentary about golden retrievers", "Neighbor's dog barks at night",
        "Thinks nurses are underpaid", "Enjoys working with kind colleagues at the hospital",
        "Visited Chicago for a nursing conference in 2022", "Sister Emily works as a teacher",
        "Went to a Fleetwood Mac tribute concert last year", "Wants to learn the piano someday",
        "Had tacos for lunch on Friday", "Thinks Honda cars are reliable",
        "Drinks coffee only on night shifts", "Watched a movie about a marathon runner",
        "Planted roses in the front yard", "Read a book about gardening",
        "Lily loves drawing horses", "Ben loves dinosaurs", "David works as an electrician",
        "David's birthday is in April", "Went to the beach with the kids in July 2023",
        "Bought running shoes on sale", "Thinks the suburbs are too quiet",
        "Gets up at 5 am on work days", "Prefers hiking to running on weekends",
        "Forgot the password for the running website", "Likes the smell of fresh bread",
        "Cooked a big dinner for Diwali 2023", "Is saving for a trip to Mexico",
        "Got a flu shot in October 2023", "Takes the bus to the hospital when it snows",
        "Is trying to drink more water", "Spends Sunday mornings at the farmers market",
        "Dislikes crowded shopping malls", "Enjoys board games with friends",
        "Signed up for a pottery class", "Has a fear of spiders too, but a mild one",
        "Wants to adopt another dog someday", "Loves the Oregon coast",
        "Thinks Spanish grammar is hard", "Listens to podcasts while running",
        "Called mom on Sunday", "Replaced the car battery in January 2024",
        "Keeps a journal", "Enjoys baking cookies with the kids",
        "Watches cooking shows to relax", "Had a dentist appointment on 3 May 2024",
        "Wants to paint the living room blue", "Is reading a book about sleep",
        "Prefers summer over winter", "Likes to visit the library on Tuesdays",
        "Bought a new bike for Lily", "Fixed the fence in the backyard",
        "Met Jessica for brunch last Saturday", "Thinks marathons are hard on the knees",
        "Tried rock climbing once and didn't like it", "Ordered a new guitar strap online",
        "Sends birthday cards to friends", "Uses a budgeting app", "Loves autumn leaves",
    ]
    texts = [(t, qs) for t, qs in facts]
    ids = {}
    order = texts + [(d, None) for d in distractors]
    rng.shuffle(order)
    for text, qs in order:
        mid = scope.mem(text)
        if qs is not None:
            ids[text] = (mid, qs)
    # Multi-memory questions.
    multi = [
        (["Tell me about my kids", "What do I know about my children?"],
         ["Has two kids, Lily (7) and Ben (4)", "Lily is allergic to cats",
          "Ben started preschool in September 2024"]),
        (["What do I know about my dog Max?"],
         ["User's dog is named Max", "Max is a 4 year old golden retriever"]),
        (["What's going on with my running?", "Tell me about my running habits"],
         ["Runs 5 miles every morning before work",
          "Is training for the Chicago marathon in October 2024",
          "Uses the website https://myrunlog.example.org to track runs"]),
    ]
    for text in [t for t, _ in facts]:
        mid, qs = ids[text]
        scope.ask(qs, [mid], "single")
    for qs, texts_ in multi:
        scope.ask(qs, [ids[t][0] for t in texts_], "multi")
    return scope


def main():
    chat = build_chat()
    user = build_user()
    out = {
        "description": "Lexical retrieval test set for mem0-cpp TextIndex; generated by "
                       "generate.py (seeded). recall@k = answers found in the top k / answers.",
        "seed": SEED,
        "scopes": [{"scope": s.name, "memories": s.memories, "questions": s.questions}
                   for s in (chat, user)],
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
