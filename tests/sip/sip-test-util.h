/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * sip-test-util.h — helpers the SIP tests share for writing messages
 * readably (LF line ends in the test source, CRLF on the wire).
 */
#pragma once

#include "sip/message.h"

G_BEGIN_DECLS

/* @text with every LF turned into CRLF and "Content-Length: #" replaced by
 * the length of the body after the blank line (which @text must have). */
GBytes *tc_test_wire (const char *text);

/* Parses @text, the start line and headers of a message with lines ending
 * in "\n" and no blank line, as a message without body; asserts it parses. */
TcSipMessage *tc_test_parse_lines (const char *text);

G_END_DECLS
