/**
 * Mail: SMTP replies, MTA retry profiles, throttles, reputation, SPF and greylisting.
 *
 * @module
 */
export { type Attempt, type FailureCause, type Fate, type MailMessage, MessageLife, type SmtpStage, type TrafficClass } from './message.js';
export { type AttemptOptions, type AttemptRunner, MtaQueue, type MtaQueueOptions } from './mta-queue.js';
export { DEFAULT_GREYLIST, Greylist, type GreylistConfig } from './greylist.js';
export { formatReply, isPermanent, isPositive, isTransient, Replies, reply, type SmtpReply } from './reply.js';
export { type DynamicListConfig, type ListingEvent, Reputation, type StaticList } from './reputation.js';
export {
  attemptSchedule,
  describeProfile,
  exchange,
  exim,
  postfix,
  type QueueHistory,
  RETRY_PROFILES,
  type RetryProfile,
  type RetryProfileName,
  sendmail,
  type TlsFallback,
} from './retry-profile.js';
export { type SpfRecord, SpfRegistry, type SpfResult } from './spf.js';
export { type LimitConfig, WindowLimit, type WindowKind } from './throttle.js';
