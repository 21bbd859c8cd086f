/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * salvage.h — reading what can be read of a request the strict parser
 * rejected, so that it can still be answered (RFC 3261 §8.2: a UAS answers
 * a malformed request with 400 (Bad Request), 505, 513, 416…, and a
 * response needs the request's Via, From, To, Call-ID and CSeq, §8.2.6.2).
 *
 * tc_sip_salvage_request() is a lenient line scanner: it trusts nothing
 * but line ends and the first colon of each header line, allocates
 * nothing, and returns views into the bytes it was given.  What it finds
 * is raw text; the builder validates it again when the response is built.
 */
#pragma once

#include <glib.h>

#include "sip/str.h"

G_BEGIN_DECLS

/* More Via lines than this and the request is not answered: the response
 * would miss some of the Vias that route it back. */
#define TC_SIP_SALVAGE_MAX_VIAS 32

/**
 * TcSipSalvage:
 * @method: the request line's method token
 * @vias: the raw values of the Via header lines (full or compact "v"
 *   name), in order; a line may hold several comma-separated values
 * @n_vias: how many of @vias are set (1 or more on success)
 * @from: the raw value of the first From (or "f") line
 * @to: the raw value of the first To (or "t") line
 * @call_id: the raw value of the first Call-ID (or "i") line
 * @cseq: the raw value of the first CSeq line
 *
 * Views into the scanned bytes, trimmed of leading and trailing
 * whitespace.  A folded value (RFC 3261 §7.3.1) keeps its line breaks:
 * replace CR and LF with spaces before using it.
 */
typedef struct {
  TcSipStr method;
  TcSipStr vias[TC_SIP_SALVAGE_MAX_VIAS];
  guint n_vias;
  TcSipStr from;
  TcSipStr to;
  TcSipStr call_id;
  TcSipStr cseq;
} TcSipSalvage;

/* Scans @bytes, a message that did not parse.  TRUE when it starts with a
 * request line ("<method> <uri> SIP/<version>", leading CRLFs skipped) and
 * its header section (up to the first empty line, or the end) has at least
 * one non-empty Via and non-empty From, To, Call-ID and CSeq values; @out is
 * then filled with views into @bytes (valid as long as @bytes).  FALSE for a
 * response, for anything else, or when more than TC_SIP_SALVAGE_MAX_VIAS
 * Via lines are present. */
gboolean tc_sip_salvage_request (GBytes *bytes, TcSipSalvage *out);

G_END_DECLS
