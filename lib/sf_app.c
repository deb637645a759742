/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Application contexts: lcores that run on_accept and on_close off the
 * workers. A worker owns its connections to the end; it hands each one
 * it establishes to one application context (chosen by the flow's hash,
 * so a connection's events always reach the same context, in order) and
 * tells that context when the connection closes. The application context
 * asks back for closes and resets. Two rings per (worker, application)
 * pair, each with one producer and one consumer:
 *
 *   worker w --accept ring [w][a]: ACCEPT, CLOSE--> application a
 *   worker w <--command ring [a][w]: CLOSE, RESET-- application a
 *
 * The application context never reads a connection: what on_accept is
 * told travels in the message. The handle it gets is the connection's
 * address, with the slot's generation remembered on the application side
 * (wk_gens); a close or reset carries that generation, and the worker
 * applies it only if the slot still holds that connection, so a command
 * that crosses the connection's end never hits the slot's next tenant.
 *
 * The accept queue stays exact across all lcores: the worker takes a
 * place in the listener's accept queue (one shared counter, taken with
 * compare-and-swap) before it establishes the connection, and the
 * application context gives it back when it has run on_accept, as
 * accept() does. The backlog therefore bounds the connections in the
 * accept rings, as it bounds Linux's accept queue.
 */

#include <errno.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "sf_engine_pvt.h"

/* Messages taken from one ring per poll. */
#define SF_APP_BURST 16

static inline unsigned int
sf_app_conn_cap(const struct sf_engine *eng)
{
	return eng->en_workers[0].wk_tcp.wt_conntab.ft_cap;
}

int
sf_app_init(struct sf_engine *eng)
{
	unsigned int nw = eng->en_nb_workers, na = eng->en_nb_apps, w, a;

	RTE_BUILD_BUG_ON(sizeof(struct sf_app_msg) % 4 != 0);
	/* sf_ring_drain() holds one element on its stack. */
	RTE_BUILD_BUG_ON(sizeof(struct sf_app_msg) > SF_RING_ELEM_MAX);
	RTE_BUILD_BUG_ON(sizeof(struct sf_app_cmd) != 16);
	if (na == 0)
		return 0;
	eng->en_acc_r = rte_zmalloc_socket("sf_acc_r",
			sizeof(struct rte_ring *) * nw * na, 0, eng->en_socket);
	eng->en_cmd_r = rte_zmalloc_socket("sf_cmd_r",
			sizeof(struct rte_ring *) * nw * na, 0, eng->en_socket);
	if (eng->en_acc_r == NULL || eng->en_cmd_r == NULL)
		return -ENOMEM;
	for (a = 0; a < na; a++) {
		struct sf_worker *ac = &eng->en_workers[nw + a];

		ac->wk_app_acc = rte_zmalloc_socket("sf_app_acc",
				sizeof(struct rte_ring *) * nw, 0,
				eng->en_socket);
		ac->wk_app_cmd = rte_zmalloc_socket("sf_app_cmd",
				sizeof(struct rte_ring *) * nw, 0,
				eng->en_socket);
		ac->wk_gens = rte_zmalloc_socket("sf_app_gens",
				sizeof(uint32_t) * nw * sf_app_conn_cap(eng),
				RTE_CACHE_LINE_SIZE, eng->en_socket);
		if (ac->wk_app_acc == NULL || ac->wk_app_cmd == NULL ||
		    ac->wk_gens == NULL)
			return -ENOMEM;
		for (w = 0; w < nw; w++) {
			struct sf_worker *wk = &eng->en_workers[w];
			struct rte_ring *acc, *cmd;

			acc = sf_ring_create("acc", w, a,
				eng->en_accept_ring_size,
				sizeof(struct sf_app_msg), eng->en_socket);
			cmd = sf_ring_create("cmd", a, w,
				eng->en_accept_ring_size,
				sizeof(struct sf_app_cmd), eng->en_socket);
			eng->en_acc_r[w * na + a] = acc;
			eng->en_cmd_r[a * nw + w] = cmd;
			if (acc == NULL || cmd == NULL)
				return -ENOMEM;
			wk->wk_acc[a] = acc;
			wk->wk_cmd[a] = cmd;
			ac->wk_app_acc[w] = acc;
			ac->wk_app_cmd[w] = cmd;
		}
	}
	return 0;
}

/* An accept-ring message left over: its data mbuf back to the pool. */
static void
sf_app_drop_msg(void *elem)
{
	const struct sf_app_msg *msg = elem;

	if (msg->am_data != NULL)
		rte_pktmbuf_free(msg->am_data);
}

/* Data mbufs waiting in accept rings go back to their pool. */
void
sf_app_drain(struct sf_engine *eng)
{
	unsigned int i, n = eng->en_nb_workers * eng->en_nb_apps;

	for (i = 0; eng->en_acc_r != NULL && i < n; i++)
		sf_ring_drain(eng->en_acc_r[i], sizeof(struct sf_app_msg),
			sf_app_drop_msg);
}

void
sf_app_fini(struct sf_engine *eng)
{
	unsigned int i, n = eng->en_nb_workers * eng->en_nb_apps;

	/* sf_engine_drain() has emptied the rings. */
	sf_ring_matrix_free(eng->en_acc_r, n);
	sf_ring_matrix_free(eng->en_cmd_r, n);
	for (i = 0; i < eng->en_nb_apps; i++) {
		struct sf_worker *ac = &eng->en_workers[eng->en_nb_workers + i];

		rte_free(ac->wk_app_acc);
		rte_free(ac->wk_app_cmd);
		rte_free(ac->wk_gens);
	}
	eng->en_acc_r = eng->en_cmd_r = NULL;
}

/* By hash: every event of a flow reaches one context, in order. */
static inline uint8_t
sf_app_of(const struct sf_worker *w, uint32_t hash)
{
	return (uint8_t)(((uint64_t)hash * w->wk_eng->en_nb_apps) >> 32);
}

/*
 * Worker side (struct sf_conn_ops): is there room in the accept ring the
 * flow's connection would go to? Only this worker fills the ring, so
 * room seen here is still there at the hand-off.
 */
static bool
sf_app_co_room(struct sf_worker *w, uint32_t hash)
{
	return rte_ring_free_count(w->wk_acc[sf_app_of(w, hash)]) != 0;
}

/* Worker side: hand a new connection to its application context. */
static int
sf_app_co_accept(struct sf_conn *c, uint32_t hash, sf_on_accept_t on_accept,
		struct rte_mbuf *data, const struct sf_conn_info *ci)
{
	struct sf_worker *w = c->cn_wk;
	struct sf_app_msg msg;

	c->cn_app = sf_app_of(w, hash);
	msg.am_ev = SF_APP_EV_ACCEPT;
	msg.am_why = 0;
	msg.am_listener = c->cn_listener;
	msg.am_gen = c->cn_gen;
	msg.am_conn = c;
	msg.am_data = data;
	msg.am_on_accept = on_accept;
	msg.am_on_close = c->cn_on_close;
	msg.am_arg = c->cn_arg;
	msg.am_ci = *ci;
	if (rte_ring_sp_enqueue_elem(w->wk_acc[c->cn_app], &msg,
			sizeof(msg)) != 0)
		return -ENOBUFS;
	sf_count(w, SF_CNT_app_handoffs);
	return 0;
}

/* Worker side: tell the application context the connection closed. */
static int
sf_app_co_close(struct sf_conn *c, enum sf_close_reason why)
{
	struct sf_worker *w = c->cn_wk;
	struct sf_app_msg msg;

	memset(&msg, 0, sizeof(msg));
	msg.am_ev = SF_APP_EV_CLOSE;
	msg.am_why = (uint8_t)why;
	msg.am_listener = c->cn_listener;
	msg.am_gen = c->cn_gen;
	msg.am_conn = c;
	msg.am_on_close = c->cn_on_close;
	msg.am_arg = c->cn_arg;
	if (rte_ring_sp_enqueue_elem(w->wk_acc[c->cn_app], &msg,
			sizeof(msg)) != 0) {
		sf_count(w, SF_CNT_app_events_lost);
		return -ENOBUFS;
	}
	sf_count(w, SF_CNT_app_events);
	return 0;
}

const struct sf_conn_ops sf_app_conn_ops = {
	.co_room = sf_app_co_room,
	.co_accept = sf_app_co_accept,
	.co_close = sf_app_co_close,
};

/* Which worker's slot c is, from its address alone (never from *c). */
static int
sf_app_slot(const struct sf_engine *eng, const struct sf_conn *c,
		unsigned int *wi, uint32_t *id)
{
	unsigned int i;

	for (i = 0; i < eng->en_nb_workers; i++) {
		const struct sf_wtcp *wt = &eng->en_workers[i].wk_tcp;

		if (c >= wt->wt_conn && c < wt->wt_conn + wt->wt_conntab.ft_cap) {
			*wi = i;
			*id = (uint32_t)(c - wt->wt_conn);
			return 0;
		}
	}
	return -EINVAL;
}

/* Application side: a close or reset, sent to the owning worker. */
int
sf_app_remote(struct sf_conn *c, enum sf_app_cmd_op op)
{
	struct sf_worker *a = RTE_PER_LCORE(sf_cur_ctx);
	struct sf_engine *eng;
	struct sf_app_cmd cmd;
	unsigned int wi;
	uint32_t id, *gen;

	if (a == NULL || !a->wk_app)
		return -EPERM;
	eng = a->wk_eng;
	if (sf_app_slot(eng, c, &wi, &id) != 0)
		return -EPERM;
	gen = &a->wk_gens[(size_t)wi * sf_app_conn_cap(eng) + id];
	if (*gen == 0)
		return -ENOTCONN;
	cmd.ac_conn = c;
	cmd.ac_gen = *gen;
	cmd.ac_op = op;
	if (rte_ring_sp_enqueue_elem(a->wk_app_cmd[wi], &cmd,
			sizeof(cmd)) != 0) {
		sf_count(a, SF_CNT_app_cmds_ring_full);
		return -ENOBUFS;
	}
	/* A reset ends the handle at once, as on the worker. */
	if (op == SF_APP_CMD_RESET)
		*gen = 0;
	return 0;
}

/* Worker side: the closes and resets application contexts sent. */
unsigned int
sf_app_cmd_poll(struct sf_worker *w)
{
	struct sf_app_cmd cmd[SF_APP_BURST];
	unsigned int a, i, n, total = 0;

	for (a = 0; a < w->wk_eng->en_nb_apps; a++) {
		n = rte_ring_sc_dequeue_burst_elem(w->wk_cmd[a], cmd,
				sizeof(cmd[0]), SF_APP_BURST, NULL);
		for (i = 0; i < n; i++) {
			struct sf_conn *c = cmd[i].ac_conn;

			if (sf_conn_live(c, cmd[i].ac_gen) != 0) {
				sf_count(w, SF_CNT_app_cmds_stale);
				continue;
			}
			sf_count(w, SF_CNT_app_cmds);
			if (cmd[i].ac_op == SF_APP_CMD_RESET)
				sf_conn_reset_local(c);
			else
				sf_conn_close_local(c);
		}
		total += n;
	}
	return total;
}

/* One message of an accept ring, on application context a. */
static void
sf_app_event(struct sf_worker *a, unsigned int wi, struct sf_app_msg *m)
{
	struct sf_engine *eng = a->wk_eng;
	struct sf_listener *ls = &eng->en_tcp.et_listeners[m->am_listener];
	uint32_t *gen;
	uint32_t id;

	id = (uint32_t)(m->am_conn - eng->en_workers[wi].wk_tcp.wt_conn);
	gen = &a->wk_gens[(size_t)wi * sf_app_conn_cap(eng) + id];
	if (m->am_ev == SF_APP_EV_CLOSE) {
		if (*gen != m->am_gen)
			return;    /* reset by us meanwhile: no callback */
		if (m->am_on_close != NULL)
			m->am_on_close(m->am_conn,
				(enum sf_close_reason)m->am_why, m->am_arg);
		if (m->am_why != SF_CLOSE_PEER_FIN)
			*gen = 0;
		return;
	}
	*gen = m->am_gen;
	/*
	 * The listener was removed while the connection waited in the ring:
	 * as a listening socket's close() resets its accept queue. The slot
	 * cannot be reused before we give its place back (sf_listen.c).
	 */
	/*
	 * When the reset cannot be sent (command ring full), the connection
	 * is accepted after all: the application owns it, nothing is lost.
	 */
	if (__atomic_load_n(&ls->ls_state, __ATOMIC_ACQUIRE) != SF_LS_ACTIVE &&
	    sf_app_remote(m->am_conn, SF_APP_CMD_RESET) == 0) {
		sf_count(a, SF_CNT_accept_listener_gone);
	} else {
		sf_count(a, SF_CNT_accepted);
		sf_lcount(a, m->am_listener, SF_LCNT_accepted);
		m->am_on_accept(m->am_conn, &m->am_ci, m->am_arg);
	}
	if (m->am_data != NULL)
		rte_pktmbuf_free(m->am_data);
	/* accept() took it: its place in the accept queue is free. */
	__atomic_fetch_sub(&ls->ls_acceptq, 1, __ATOMIC_RELEASE);
}

unsigned int
sf_app_poll(struct sf_worker *a)
{
	struct sf_app_msg msg[SF_APP_BURST];
	unsigned int w, i, n, total = 0;

	RTE_PER_LCORE(sf_cur_ctx) = a;
	if (unlikely(a->wk_lcore == LCORE_ID_ANY))
		a->wk_lcore = rte_lcore_id();
	for (w = 0; w < a->wk_eng->en_nb_workers; w++) {
		n = rte_ring_sc_dequeue_burst_elem(a->wk_app_acc[w], msg,
				sizeof(msg[0]), SF_APP_BURST, NULL);
		for (i = 0; i < n; i++)
			sf_app_event(a, w, &msg[i]);
		total += n;
	}
	return total;
}

unsigned int
sf_engine_app_count(const struct sf_engine *eng)
{
	return eng->en_nb_apps;
}

struct sf_worker *
sf_engine_app(struct sf_engine *eng, unsigned int idx)
{
	if (eng == NULL || idx >= eng->en_nb_apps)
		return NULL;
	return &eng->en_workers[eng->en_nb_workers + idx];
}
