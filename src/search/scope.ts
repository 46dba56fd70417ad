import { normaliseForMatch } from '../guide/normalise.js';

/**
 * Questions that are not about the guides at all, recognised by what they are rather than by how
 * well they happen to match a passage: instructions to the bot, and questions about other books,
 * authors or the film. (Chit-chat and made-up words are caught by the confidence signals: they
 * leave no topic word that the guides use.)
 */
export type OffTopicReason = 'instruction' | 'other-work';

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
    const asked = ` ${normaliseForMatch(question)} `;
    if (this.otherWorks.some((work) => asked.includes(` ${work} `))) return 'other-work';
    if (this.authorNames.some((name) => asked.includes(` ${name} `)) && AUTHOR_LIFE.test(asked)) return 'other-work';
    return undefined;
  }
}
