/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * timers.h — the RFC 3261 timer base values (§17.1.1.1, Table 4), in
 * microseconds, as TcSipClock counts.  Every transaction reads them from a
 * TcSipTimerValues so that a deployment (or a test) can change T1/T2/T4.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TC_SIP_DEFAULT_T1 (500 * G_TIME_SPAN_MILLISECOND)
#define TC_SIP_DEFAULT_T2 (4 * G_TIME_SPAN_SECOND)
#define TC_SIP_DEFAULT_T4 (5 * G_TIME_SPAN_SECOND)

typedef struct {
  gint64 t1; /* RTT estimate */
  gint64 t2; /* maximum retransmit interval for non-INVITE requests and INVITE responses */
  gint64 t4; /* maximum duration a message remains in the network */
} TcSipTimerValues;

static inline void
tc_sip_timer_values_init (TcSipTimerValues *values)
{
  values->t1 = TC_SIP_DEFAULT_T1;
  values->t2 = TC_SIP_DEFAULT_T2;
  values->t4 = TC_SIP_DEFAULT_T4;
}

G_END_DECLS
