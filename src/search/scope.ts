import { normaliseForMatch } from '../guide/normalise.js';

/**
 * Questions that are not about the guides at all, recognised by what they are rather than by how
 * well they happen to match a passage: instructions to the bot, questions about other books,
 * authors or the film, requests to write something new or to recommend other works, and insults
 * aimed at the bot. (Other chit-chat and made-up words are caught by the confidence signals: they
 * leave no topic word that the guides use.)
 */
export type OffTopicReason = 'instruction' | 'other-work' | 'writing' | 'recommendation' | 'remark';

/** Attempts to change what the bot does or to make it reveal its set-up. */
const INSTRUCTION_PATTERNS = [
  /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules?|prompts?|guidelines|directions|programming|restrictions|everything)\b/i,
  /\b(system|initial|hidden|original)\s+(prompt|message|instructions?)\b/i,
  /\byou are (now|no longer)\b/i,
  /\b(pretend|act|behave|roleplay|role-play)\s+(to be|as|like|you)\b/i,
  /\bfrom now on\b/i,
  /\b(jailbreak|dan mode|developer mode|do anything now)\b/i,
  /\b(repeat|say|print|type|output|reply with|respond with)\b.{0,30}\b(after me|word for word|exactly|the words?)\b/i,
  /\b(reveal|show|tell me|print|dump|leak)\b.{0,20}\b(your|the)\s+(prompt|instructions|rules|source code|config|token|api key|password)\b/i,
  /^\s*(say|print|write|type)\s+["“'‘]/i,
  /\b(decode|decrypt|deobfuscate|execute)\b/i,
  /\bfollow (it|this|these|them|the (hidden|encoded|following) (text|message|instructions?))\b/i,
];

const WRITE = String.raw`(?:write|compose|make up|create|generate|draft|come up with)`;
/** What a student may ask the bot to write: new text, which Guidebot never makes (it only quotes). */
const WRITTEN_FORMS = String.raw`(?:poems?|stor(?:y|ies)|essays?|songs?|lyrics|raps?|haikus?|limericks?|sonnets?|fan ?fic(?:tion)?s?|scripts?|screenplays?|letters?|diary entr(?:y|ies)|assignments?|homework|(?:new|alternate|alternative|different|happy|happier) ending)`;
const LEAD_IN = String.raw`(?:(?:hey|hi|yo|ok|okay|so|pls|plz|please|bro|guys|lol|um|quick q|quick question)[\s,!.:]+)*`;
const ASKED_OF_THE_BOT = String.raw`(?:(?:can|could|would|will)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+|plz\s+|just\s+)?|i\s+(?:need|want)\s+(?:you|u)\s+to\s+)?`;

/** Up to three words between the verb and the form ("a short", "me a 500 word"), none of them one that starts a phrase of its own ("a timeline of the story"). */
const BEFORE_THE_FORM = String.raw`(?:\s+(?!(?:of|about|on|in|for|from|with|where|when|that|which|who|to|at|by|and)\b)\S+){0,3}?`;
/**
 * "write me a poem about tommy", "can u write a short story where…", "write my essay on nlmg": a request
 * to the bot (an imperative or "can you…" at the start, or "write me / my …") for new text. "Help me write
 * my essay" is not one: quotes on the essay's topic are what helps, so it is answered.
 */
const WRITING_PATTERNS = [
  new RegExp(String.raw`^\s*${LEAD_IN}${ASKED_OF_THE_BOT}${WRITE}${BEFORE_THE_FORM}\s+${WRITTEN_FORMS}\b`, 'i'),
  new RegExp(String.raw`(?<!help me |help me to )\b${WRITE}\s+(?:me|us|my)${BEFORE_THE_FORM}\s+${WRITTEN_FORMS}\b`, 'i'),
];

const WORKS_OF_ANY_KIND = String.raw`(?:songs?|books?|novels?|movies?|films?|shows?|series|music|albums?|artists?|bands?|anime|games?|podcasts?)`;
/** "recommend me a song like…", "books like never let me go": other works, which the guides cannot name. */
const RECOMMENDATION_PATTERNS = [
  new RegExp(String.raw`\b(?:recommend|suggest)\b.{0,25}\b${WORKS_OF_ANY_KIND}\b`, 'i'),
  new RegExp(String.raw`\b(?:songs?|books?|novels?|movies?|films?|shows?)\s+(?:like|similar to)\b`, 'i'),
];

/** "ur so dumb", "you suck", "shut up bot nobody asked": said to the bot, not asked about the guides ("what if you suck at art" is a question). */
const REMARK_PATTERNS = [
  /\b(?:you|u|ur|you're|youre|ya|this bot|the bot)\s+(?:are\s+|r\s+|is\s+)?(?:so\s+|really\s+|such\s+an?\s+|a\s+|an\s+|the\s+|literally\s+|kinda\s+|very\s+)*(?:dumb|stupid|useless|trash|garbage|idiots?|morons?|worthless|terrible|awful|the worst|suck|sucks|lame|braindead|clueless)\b(?!\s+at\b)/i,
  new RegExp(String.raw`^\s*${LEAD_IN}(?:shut up|stfu|go away|get lost|nobody asked|who asked|i hate (?:you|u|this bot|the bot))\b`, 'i'),
];

/** The question without the words it quotes ("who says 'you're so stupid'" quotes an insult, and asks about the book). */
function withoutQuotedText(question: string): string {
  return question.replace(/["“][^"”]*["”]/g, ' ').replace(/(^|\s)['‘].*?['’](?=$|[\s?.!,;:])/g, '$1 ');
}

/**
 * Well-known books, authors and adaptations that students study or mention beside a set text.
 * A question naming one of them (and not this guide's book) asks about something else. Entries the
 * loaded guides mention themselves are dropped when the matcher is built, so a guide that compares
 * its book with another keeps those questions in scope.
 */
const OTHER_WORKS = `
remains of the day|klara and the sun|the buried giant|an artist of the floating world|a pale view of hills|the unconsoled|when we were orphans|nocturnes
pride and prejudice|jane austen|emma woodhouse|mr darcy|sense and sensibility|wuthering heights|emily bronte|jane eyre|charlotte bronte
great expectations|charles dickens|oliver twist|a christmas carol|tale of two cities|david copperfield
nineteen eighty four|1984|george orwell|animal farm|brave new world|aldous huxley|fahrenheit 451|ray bradbury|the handmaid s tale|handmaids tale|margaret atwood|oryx and crake|the testaments
the hunger games|suzanne collins|divergent|the giver|lois lowry|the maze runner|the road|cormac mccarthy|lord of the flies|william golding|a clockwork orange|we by zamyatin|station eleven|the children of men|p d james|frankenstein|mary shelley|dracula|bram stoker
to kill a mockingbird|harper lee|atticus finch|of mice and men|the grapes of wrath|john steinbeck|the great gatsby|gatsby|f scott fitzgerald|fitzgerald|the catcher in the rye|holden caulfield|j d salinger|salinger|catch 22|joseph heller|slaughterhouse five|kurt vonnegut
hamlet|macbeth|romeo and juliet|othello|king lear|the tempest|a midsummer night s dream|julius caesar|merchant of venice|twelfth night|shakespeare
the odyssey|the iliad|homer|beowulf|the canterbury tales|chaucer|paradise lost|milton|don quixote|cervantes|moby dick|herman melville|the scarlet letter|huckleberry finn|mark twain|tom sawyer
harry potter|hogwarts|j k rowling|rowling|the hobbit|lord of the rings|tolkien|narnia|c s lewis|percy jackson|twilight|game of thrones|the fault in our stars|john green|diary of a wimpy kid|the outsiders|s e hinton
the kite runner|khaled hosseini|life of pi|yann martel|the book thief|markus zusak|the curious incident|mark haddon|atonement|ian mcewan|beloved|toni morrison|the color purple|alice walker|things fall apart|chinua achebe|one hundred years of solitude|gabriel garcia marquez|crime and punishment|dostoevsky|anna karenina|war and peace|tolstoy|the metamorphosis|kafka|the stranger|albert camus|camus|the bell jar|sylvia plath|mrs dalloway|virginia woolf|ulysses|james joyce|the picture of dorian gray|oscar wilde|heart of darkness|joseph conrad|an inspector calls|j b priestley|blood brothers|a streetcar named desire|death of a salesman|the crucible|arthur miller|waiting for godot|the lovely bones|the secret history|donna tartt|normal people|sally rooney|where the crawdads sing|it ends with us|colleen hoover
ayn rand|stephen king|agatha christie|sherlock holmes|conan doyle|edgar allan poe|dan brown|tolkien|hemingway|the old man and the sea
movie|movies|the film|film version|directed|director|screenplay|box office|florence and the machine|florence the machine|jane monheit|movie version|film adaptation|movie adaptation|the adaptation|carey mulligan|andrew garfield|keira knightley|mark romanek|alex garland|charlotte rampling|sally hawkins|netflix|the tv series|the tv show|tv adaptation|the trailer
`
  .trim()
  .split(/[|\n]/)
  .map((entry) => entry.trim())
  .filter(Boolean);

/** Questions about an author's life rather than the book ("how old is ishiguro", "where was he born"). */
const AUTHOR_LIFE =
  / (born|age|old|alive|married|wife|husband|children|kids|live|lives|lived|nationality|religion|net worth|died|dead|birthday|height|school did|university|nobel|prize|award|awards|other books|books has|novels has|wrote other|written other) /;

const allWorks = () => [...new Set(OTHER_WORKS.map(normaliseForMatch))].filter((work) => work !== '');

/** The well-known works that the text (every guide's text) mentions itself, normalised. */
export function mentionedWorks(corpusText: string): string[] {
  const corpus = ` ${normaliseForMatch(corpusText)} `;
  const vocabulary = new Set(corpus.split(' '));
  // Only a work whose every word the guides use can be named in them: the phrase search (a scan of the whole corpus) is for those few.
  return allWorks().filter((work) => work.split(' ').every((word) => vocabulary.has(word)) && corpus.includes(` ${work} `));
}

export class ScopeGuard {
  private readonly otherWorks: string[];

  private readonly authorNames: string[];

  /**
   * `corpusText`: every guide's text; works the guides mention themselves stay in scope.
   * `authors`: the studied book's authors, whose life (not their book) the guides do not cover.
   */
  constructor(corpusText: string, authors: string[] = [], mentioned: readonly string[] = mentionedWorks(corpusText)) {
    const inGuides = new Set(mentioned);
    this.otherWorks = allWorks().filter((work) => !inGuides.has(work));
    this.authorNames = authors.flatMap((author) => normaliseForMatch(author).split(' ')).filter((name) => name.length > 2);
  }

  /** A guard for guides known to mention these works (as `mentionedWorks` found them when the index was built). */
  static fromMentioned(mentioned: readonly string[], authors: string[] = []): ScopeGuard {
    return new ScopeGuard('', authors, mentioned);
  }

  /** Why a question is off topic whatever the guides say, or undefined when it may be about them. */
  offTopic(question: string): OffTopicReason | undefined {
    if (INSTRUCTION_PATTERNS.some((pattern) => pattern.test(question))) return 'instruction';
    const own = withoutQuotedText(question);
    if (WRITING_PATTERNS.some((pattern) => pattern.test(own))) return 'writing';
    if (RECOMMENDATION_PATTERNS.some((pattern) => pattern.test(own))) return 'recommendation';
    if (REMARK_PATTERNS.some((pattern) => pattern.test(own))) return 'remark';
    const asked = ` ${normaliseForMatch(question)} `;
    if (this.otherWorks.some((work) => asked.includes(` ${work} `))) return 'other-work';
    if (this.authorNames.some((name) => asked.includes(` ${name} `)) && AUTHOR_LIFE.test(asked)) return 'other-work';
    return undefined;
  }
}
