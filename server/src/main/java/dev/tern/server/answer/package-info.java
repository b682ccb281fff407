/**
 * The authoritative engine (RFC 1034 4.3.2): a question and the zone table in, an {@link
 * dev.tern.server.answer.Answer} out (which RRsets go in which section, rcode, AA). Start at {@link
 * dev.tern.server.answer.AnswerEngine}. Pure: no I/O, no logging, no wire encoding; uses only {@code zone}.
 */
package dev.tern.server.answer;
