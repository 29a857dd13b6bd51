import 'reflect-metadata';
import {
  CHANNEL_REGISTRY,
  type ChannelRegistryShape,
  type SendKind,
  type SendMethods,
} from '../lib/channel-registry.js';
import {
  CASCADE_CHANNELS,
  CHANNEL_TABLES,
  CHANNELS,
  CONTENT_CHANNELS,
  SENDER_CHANNELS,
  type Channel,
} from '../lib/protocol/channels.js';
import { EMULATED_CHANNELS, type EmulatedChannelRules } from '../lib/testing/fake/send-rules.js';
import type { WebcomService } from '../lib/webcom.service.js';

/**
 * CONTRIBUTING.md, "Adding a channel": a new row in the wire tables makes the compiler ask for
 * its registry line, its `WebcomService` method and its emulator rule. These lines are checked by
 * `tsc` (the type check covers test/): each `@ts-expect-error` fails the build if the line
 * under it compiles, that is, if the compiler stopped asking. `added` stands for a channel
 * whose row was just added.
 */
type WithAdded = Channel | 'added';

describe('adding a channel: the compiler asks for each piece', () => {
  it('a registry without the new channel does not compile', () => {
    // @ts-expect-error the registry has no line for the added channel
    const registry: ChannelRegistryShape<WithAdded> = CHANNEL_REGISTRY;
    const today: ChannelRegistryShape = CHANNEL_REGISTRY;
    expect(Object.keys(today)).toEqual(Object.keys(registry));
  });

  it('a WebcomService without the new channel’s method does not compile', () => {
    const methods = (webcom: WebcomService) => {
      // @ts-expect-error WebcomService has no sendAdded
      const withAdded: SendMethods<SendKind | 'added'> = webcom;
      const today: SendMethods = webcom;
      return [withAdded, today];
    };
    expect(typeof methods).toBe('function');
  });

  it('emulator rules without the new channel’s do not compile', () => {
    // @ts-expect-error the emulator has no rule for the added channel
    const rules: EmulatedChannelRules<WithAdded> = EMULATED_CHANNELS;
    const today: EmulatedChannelRules = EMULATED_CHANNELS;
    expect(Object.keys(today)).toEqual(Object.keys(rules));
  });

  it('the lists derive from the rows: nothing else names the channels', () => {
    const rows = CHANNELS.map((channel) => ({ channel, ...CHANNEL_TABLES[channel] }));
    const having = (has: (row: (typeof rows)[number]) => boolean) =>
      rows.filter(has).map((row) => row.channel);
    expect(SENDER_CHANNELS).toEqual(having((row) => row.sender !== undefined));
    expect(CONTENT_CHANNELS).toEqual(having((row) => ['text', 'rich'].includes(row.kind)));
    expect(CASCADE_CHANNELS).toEqual(having((row) => row.cascade === true));
    // Today's channels, as the vendor's spec lists them.
    expect(SENDER_CHANNELS).toEqual(expect.arrayContaining(['sms', 'viber', 'voice', 'telegram']));
    expect(CASCADE_CHANNELS).toEqual(['sms', 'viber']);
    // Channel<T> names the same channels as the lists, by the rows' traits.
    const typed: {
      sender: readonly Channel<'sender'>[];
      content: readonly Channel<'content'>[];
      cascade: readonly Channel<'cascade'>[];
    } = { sender: SENDER_CHANNELS, content: CONTENT_CHANNELS, cascade: CASCADE_CHANNELS };
    // @ts-expect-error flashcall has no sender
    const flashcallSender: Channel<'sender'> = 'flashcall';
    // @ts-expect-error voice content cannot stand as a fallback's
    const voiceContent: Channel<'content'> = 'voice';
    // @ts-expect-error a cascade's primary is on viber or sms
    const telegramCascade: Channel<'cascade'> = 'telegram';
    expect([typed, flashcallSender, voiceContent, telegramCascade]).toHaveLength(4);
  });
});
