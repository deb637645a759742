/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * sf_engine_connect(): who opens the connection. Only a worker touches
 * its tables, so an open asked on a worker lcore, for that worker, runs
 * at once (sf_tcp_connect()); one asked from any other thread (the
 * control thread, telemetry, an application lcore) or for another worker
 * goes over that worker's connect ring (many producers, the worker the
 * only consumer), whose requests the worker opens at its next poll.
 * Which worker the current lcore is running, if any, is set around every
 * entry that can run callbacks (poll, input, clock): a callback that
 * opens a connection opens it on its own worker at once, the way the
 * SYN proxy opens its backend connection beside the client's.
 */

#include <errno.h>
#include <stdio.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_per_lcore.h>
#include <rte_ring.h>

#include "sf_engine_pvt.h"

RTE_DEFINE_PER_LCORE(struct sf_worker *, sf_wk_cur);

/* Requests one poll takes from the connect ring. */
#define SF_CONNECT_BURST 16

/* Ring elements are the parameters themselves (a multiple of 4 bytes). */
_Static_assert(sizeof(struct sf_connect_params) % 4 == 0,
	"connect ring elements must be a multiple of 4 bytes");

int
sf_wconnect_init(struct sf_worker *w, uint32_t size, int socket)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "sf_cn_%p_%u", (void *)w->wk_eng,
		w->wk_idx);
	w->wk_conn_r = rte_ring_create_elem(name,
		sizeof(struct sf_connect_params), size, socket,
		RING_F_SC_DEQ);
	return w->wk_conn_r == NULL ? -ENOMEM : 0;
}

/*
 * Requests never opened (the engine stops) are told, as a request that
 * failed on the worker before a connection existed.
 */
void
sf_wconnect_fini(struct sf_worker *w)
{
	struct sf_connect_params p;

	if (w->wk_conn_r == NULL)
		return;
	while (rte_ring_sc_dequeue_elem(w->wk_conn_r, &p, sizeof(p)) == 0)
		p.on_close(NULL, SF_CLOSE_ABORT, p.arg);
	rte_ring_free(w->wk_conn_r);
	w->wk_conn_r = NULL;
}

/* A request from the ring, opened here; a failure goes to on_close. */
static void
sf_wconnect_one(struct sf_worker *w, const struct sf_connect_params *p)
{
	int ret;

	sf_count(sf_wk_net(w), SF_CNT_connect_ring_in);
	ret = sf_tcp_connect(&w->wk_tcp, p, NULL);
	if (ret == 0)
		return;
	p->on_close(NULL, ret == -ENETUNREACH || ret == -EHOSTUNREACH ?
		SF_CLOSE_UNREACH : SF_CLOSE_ABORT, p->arg);
}

unsigned int
sf_wconnect_poll(struct sf_worker *w)
{
	struct sf_connect_params p[SF_CONNECT_BURST];
	unsigned int i, n;

	n = rte_ring_sc_dequeue_burst_elem(w->wk_conn_r, p, sizeof(p[0]),
		SF_CONNECT_BURST, NULL);
	for (i = 0; i < n; i++)
		sf_wconnect_one(w, &p[i]);
	return n;
}

int
sf_engine_connect(struct sf_engine *eng, const struct sf_connect_params *p,
		struct sf_conn **out)
{
	struct sf_worker *cur = RTE_PER_LCORE(sf_wk_cur);
	unsigned int wi;
	int ret;

	if (out != NULL)
		*out = NULL;
	if (eng == NULL || p == NULL)
		return -EINVAL;
	if (p->worker >= (int)eng->en_nb_workers || p->worker < -1) {
		SF_ENGINE_LOG(ERR, "connect: bad worker %d: -1 or 0..%u "
			"expected", p->worker, eng->en_nb_workers - 1);
		return -EINVAL;
	}
	ret = sf_connect_params_check(p);
	if (ret != 0)
		return ret;
	if (cur != NULL && cur->wk_eng == eng &&
	    (p->worker < 0 || (unsigned int)p->worker == cur->wk_idx))
		return sf_tcp_connect(&cur->wk_tcp, p, out);
	if (p->worker >= 0)
		wi = (unsigned int)p->worker;
	else
		wi = __atomic_fetch_add(&eng->en_conn_rr, 1, __ATOMIC_RELAXED) %
			eng->en_nb_workers;
	if (rte_ring_mp_enqueue_elem(eng->en_workers[wi].wk_conn_r, (void *)p,
			sizeof(*p)) != 0)
		return -ENOBUFS;
	return -EINPROGRESS;
}
