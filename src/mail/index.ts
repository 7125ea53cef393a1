/**
 * Mail: SMTP replies, MTA retry profiles, throttles, reputation, SPF and greylisting.
 *
 * @module
 */
export { type Attempt, type Failure, type FailureCause, type Fate, type MailMessage, MessageLife, type MessageLifeOptions, MessageLives, type SmtpStage, type TrafficClass } from './message.js';
export { type AttemptOptions, type AttemptRunner, MtaQueue, type MtaQueueOptions } from './mta-queue.js';
export { Forwarder, type ForwarderConfig } from './forwarder.js';
export { DEFAULT_GREYLIST, Greylist, type GreylistConfig } from './greylist.js';
export { type MailClientConfig, type SendResult, shownError, submit, type UserErrorKind, userError } from './mail-client.js';
export { Mta, type MtaConfig } from './mta.js';
export {
  type ClientSettings,
  type ClientTls,
  type CommandTimeouts,
  RFC5321_TIMEOUTS,
  type SessionResult,
  type SessionTarget,
  smtpSession,
} from './smtp-client.js';
export { type ListenerConfig, type ServerStats, type SessionInfo, SmtpServer, type SmtpServerConfig } from './smtp-server.js';
export { capabilities, commandPayload, contentPayload, multilinePayload, parseReplyText, readCommand, readReply, replyPayload, SMTP, type SmtpCommand, type SmtpReplyLines } from './smtp-wire.js';
export { clientHandshake, GOOD_TLS, serverHandshake, type TlsError, type TlsOutcome, type TlsServerConfig } from './tls.js';
export { formatReply, isPermanent, isPositive, isTransient, Replies, reply, type SmtpReply } from './reply.js';
export { type DynamicListConfig, type ListingEvent, Reputation, type StaticList } from './reputation.js';
export {
  attemptSchedule,
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
