import { ActionRowBuilder, ButtonBuilder, ButtonStyle, Client, InteractionWebhook, MessagePayload, type MessageActionRowComponentBuilder } from 'discord.js';
import { afterAll, describe, expect, it } from 'vitest';
import { button, pagerRow, rows } from '../../src/bot/components.js';
import { editBody, messageOptions, NO_MENTIONS, type MessageView } from '../../src/bot/respond.js';
import { answerEmbed, passagesEmbed } from '../../src/render/discord.js';
import { answerView } from '../../src/render/view.js';
import type { Answer } from '../../src/search/answer.js';
import { guidePassage } from '../helpers/passages.js';

const answer: Answer = {
  question: 'Who is *Miss* Lucy? @everyone https://example.com',
  answered: true,
  confidence: 0.776,
  level: 'strong',
  quotes: [{ text: 'Miss Lucy is a _guardian_ at Hailsham.', citation: 'A Guide › Part › Section 1 ¶1', passageId: 'p1' }],
  passages: [1, 2, 3, 4, 5, 6].map((i) => guidePassage(i, `Passage ${i} text *with* markdown <@123456789012345678>.`)),
  notices: ['I only searched part one.'],
} as unknown as Answer;

const builderRow = new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(new ButtonBuilder().setCustomId('x:1').setLabel('Go').setStyle(ButtonStyle.Primary));

const views: Record<string, MessageView> = {
  'an answer with its buttons': {
    embeds: [answerEmbed(answerView(answer))],
    components: rows([button('ask-more:1:5', 'More passages', ButtonStyle.Primary), button('ask-vote:1:1', 'Helpful', ButtonStyle.Success), button('ask-vote:1:0', 'Not helpful')]),
  },
  'a page of passages with a pager': { embeds: [passagesEmbed(answerView(answer, { offset: 5 }))], components: pagerRow((page) => `page:${page}`, 1, 3) },
  'content only, with a mention to neutralise': { content: 'Hello @everyone, see <https://example.com> *now*' },
  'rows made with builders': { content: 'Pick one', components: [builderRow] },
  'nothing at all': {},
};

describe('the interaction edit body', () => {
  const client = new Client({ intents: [], allowedMentions: NO_MENTIONS });
  const webhook = new InteractionWebhook(client as Client<true>, '123456789012345678', 'token');
  afterAll(() => client.destroy());

  for (const [name, view] of Object.entries(views)) {
    it(`is what discord.js's editReply would send: ${name}`, () => {
      const discordJs = MessagePayload.create(webhook, messageOptions(view)).resolveBody().body;
      expect(JSON.stringify(editBody(view))).toBe(JSON.stringify(discordJs));
    });
  }
});
