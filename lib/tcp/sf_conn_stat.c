/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * A connection as telemetry shows it (/synfront/conns, docs/datapath.md
 * "Telemetry"): read on the telemetry thread while the owning worker
 * writes the connection, with no lock and nothing added to the worker's
 * fast path.
 *
 * Linux's ss reads a socket under its lock; a worker takes no lock, so
 * what is read here is a racy snapshot, as /proc/net/tcp is elsewhere:
 * each field is read once into a copy, and everything shown is derived
 * from the copy, never from the live slot again. The slot's generation
 * (cn_gen, moved by each new connection of the slot; zeroed with the rest
 * of the slot for a moment while a new one is born) is read before and
 * after the copy; when it moved, or was 0, the copy may mix two
 * connections and is taken again. Fields of one connection may still be
 * a moment apart (SND.NXT from before a send, the send queue from after
 * it). Reading is memory-safe: the connection, tcb and key arrays are
 * allocated with the worker's tables and freed only with the engine, and
 * a pointer in the copy (send and out-of-order queues) is never followed.
 * The 4-tuple comes from the flow table's key store
 * (sf_ftab_key(): the key array read at the position; the table's
 * buckets and key array are fixed arrays, read without a lock).
 */

#include <errno.h>
#include <string.h>

#include "sf_tcp_pvt.h"

uint8_t
sf_conn_stat_state(const struct sf_wtcp *wt, uint32_t id)
{
	if (wt->wt_conn == NULL || id >= wt->wt_conntab.ft_cap)
		return SF_CS_FREE;
	return __atomic_load_n(&wt->wt_conn[id].cn_state, __ATOMIC_RELAXED);
}

/* Derive what is shown from the copy alone. */
static void
sf_conn_stat_derive(struct sf_conn_stat *st)
{
	const struct sf_conn *c = &st->cs_c;
	const struct sf_tcb *tb = &st->cs_tb;
	uint8_t sc = c->cn_neg.ng_rcv_wscale;
	uint32_t right;
	unsigned int k;

	st->cs_snd_wnd = (uint32_t)c->cn_snd_wnd << c->cn_neg.ng_snd_wscale;
	/* sf_conn_rcv_right(): the right edge the peer was told. */
	if (c->cn_flags & SF_CNF_SND)
		right = tb->tb_rcv_right;
	else if (!(c->cn_flags & SF_CNF_WNDUP))
		right = c->cn_rcv_adv + c->cn_window;  /* the SYN-ACK's */
	else
		right = c->cn_rcv_adv + ((uint32_t)(c->cn_window >> sc) << sc);
	st->cs_rcv_wnd = SF_SEQ_GT(right, c->cn_rcv_nxt) ?
		right - c->cn_rcv_nxt : 0;
	st->cs_unacked = SF_SEQ_GT(c->cn_snd_nxt, c->cn_snd_una) ?
		c->cn_snd_nxt - c->cn_snd_una : 0;
	st->cs_queued = st->cs_notsent = 0;
	st->cs_rto_ms = 0;
	if (c->cn_flags & SF_CNF_SND) {
		if (SF_SEQ_GT(tb->tb_snd_end, c->cn_snd_una))
			st->cs_queued = tb->tb_snd_end - c->cn_snd_una;
		if (SF_SEQ_GT(tb->tb_snd_end, c->cn_snd_nxt))
			st->cs_notsent = tb->tb_snd_end - c->cn_snd_nxt;
		st->cs_rto_ms = sf_tcp_backoff(tb->tb_rto, tb->tb_backoff);
	}
	for (k = 0; k < SF_CT_MAX; k++) {
		int32_t left = (int32_t)(tb->tb_at[k] - st->cs_now);

		if (!(tb->tb_timers & 1u << k))
			st->cs_timer_ms[k] = -1;
		else
			st->cs_timer_ms[k] = left > 0 ? left : 0;
	}
}

int
sf_conn_stat(const struct sf_wtcp *wt, uint32_t id, struct sf_conn_stat *st)
{
	const struct sf_flow_key *k;
	const struct sf_conn *c;
	uint32_t gen, again;
	unsigned int tries;

	if (wt->wt_conn == NULL || id >= wt->wt_conntab.ft_cap)
		return -EINVAL;
	c = &wt->wt_conn[id];
	for (tries = 0; tries < 8; tries++) {
		gen = __atomic_load_n(&c->cn_gen, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&c->cn_state, __ATOMIC_RELAXED) ==
		    SF_CS_FREE)
			return -ENOENT;
		if (gen == 0)
			continue;           /* being born: zeroed for now */
		memcpy(&st->cs_c, c, sizeof(st->cs_c));
		memcpy(&st->cs_tb, &wt->wt_tcb[id], sizeof(st->cs_tb));
		k = sf_ftab_key(&wt->wt_conntab, id);
		if (k != NULL)
			memcpy(&st->cs_key, k, sizeof(st->cs_key));
		else
			memset(&st->cs_key, 0, sizeof(st->cs_key));
		st->cs_now = __atomic_load_n(&wt->wt_net.nt_now,
			__ATOMIC_RELAXED);
		/* The copy's reads before the second read of gen. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		again = __atomic_load_n(&c->cn_gen, __ATOMIC_RELAXED);
		if (again != gen || st->cs_c.cn_gen != gen)
			continue;
		if (st->cs_c.cn_state == SF_CS_FREE)
			return -ENOENT;     /* ended while copied */
		if (k == NULL)
			continue;           /* between birth and its key */
		sf_conn_stat_derive(st);
		return 0;
	}
	return -EAGAIN;
}

const char *
sf_conn_state_name(uint8_t state)
{
	static const char *const names[] = {
		[SF_CS_FREE] = "CLOSED",
		[SF_CS_SYN_SENT] = "SYN_SENT",
		[SF_CS_ESTABLISHED] = "ESTABLISHED",
		[SF_CS_CLOSE_WAIT] = "CLOSE_WAIT",
		[SF_CS_FIN_WAIT_1] = "FIN_WAIT_1",
		[SF_CS_FIN_WAIT_2] = "FIN_WAIT_2",
		[SF_CS_CLOSING] = "CLOSING",
		[SF_CS_LAST_ACK] = "LAST_ACK",
		[SF_CS_TIME_WAIT] = "TIME_WAIT",
		[SF_CS_SPLICED] = "SPLICED",
	};

	return state < RTE_DIM(names) ? names[state] : "?";
}

const char *
sf_ca_state_name(uint8_t ca)
{
	static const char *const names[] = {
		[SF_CA_OPEN] = "open",
		[SF_CA_RECOVERY] = "recovery",
		[SF_CA_LOSS] = "loss",
	};

	return ca < RTE_DIM(names) ? names[ca] : "?";
}

const char *
sf_ctimer_name(unsigned int k)
{
	static const char *const names[] = {
		[SF_CT_REXMT] = "rexmt",
		[SF_CT_2MSL] = "2msl",
		[SF_CT_DELACK] = "delack",
		[SF_CT_PERSIST] = "persist",
		[SF_CT_KEEP] = "keep",
	};

	RTE_BUILD_BUG_ON(RTE_DIM(names) != SF_CT_MAX);

	return k < RTE_DIM(names) ? names[k] : "?";
}
