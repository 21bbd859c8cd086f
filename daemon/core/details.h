/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * details.h — the a{sv} "details" every event carries (dbus-api.md
 * conventions), built in core so that the bus layer only forwards them.
 *
 *   "sip-message" (sa(ss)ay)  start line, headers in order, body
 *   "cause"       s           a local cause ("timeout", "transport", …)
 */
#pragma once

#include "sip/message.h"

G_BEGIN_DECLS

/* (sa(ss)ay) of @message. */
GVariant *tc_details_sip_message (TcSipMessage *message);
/* The same from the raw bytes of a message (as stored in the inbox), or
 * NULL when they do not parse. */
GVariant *tc_details_sip_message_from_bytes (GBytes *raw);
/* A floating a{sv} with "sip-message" when @message is non-NULL and
 * "cause" when @cause is non-NULL. */
GVariant *tc_details_new (TcSipMessage *message, const char *cause);
/* tc_details_new()'s entries, added to @builder (a{sv}) for a caller
 * with more of its own. */
void tc_details_add (GVariantBuilder *builder, TcSipMessage *message, const char *cause);

G_END_DECLS
