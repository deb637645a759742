/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * libFuzzer harness: arbitrary bytes as what one client sends to the
 * HTTP/1.1 responder (lib/http/sf_http.c), over a real connection of a
 * fresh test engine per input: the handshake, then the bytes as data
 * segments, each acknowledging all the responder sent so far, then the
 * client's FIN.
 *
 * Input: a 2-byte header, then the stream.
 *   header[0] bits 0-1  max_header_bytes 256, 300, 1024, 8192
 *             bits 2-3  max_body_bytes 0, 10, 100, 4096
 *             bit 4     send budget 8 KiB (responses wait for room and the
 *                       bytes behind them are held) instead of 256 KiB
 *             bit 5     the client acknowledges nothing (the window and
 *                       the send queue fill)
 *   header[1]           cuts the stream into segments: 1 + (bits of this
 *                       byte, rotated per segment) % 64 bytes each
 *
 * Checked after each input: every response the client got starts with
 * "HTTP/1.1 " where a response is due (each one's length is read from
 * its Content-Length, or is a 204 without body); every mbuf is back in
 * the pool once the engine is gone; the sanitizers watch the rest.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>

#include "sf_http.h"
#include "sf_test.h"

#define FH_PORT 8080

static struct rte_mempool *pool;

/* What the client received, in order. */
static uint8_t fh_in[1 << 18];
static struct sf_test_stream fh;

/* One segment from the client; acknowledges all received when ack. */
static void
fh_send(struct sf_engine *e, struct sf_test_client *c, uint32_t *snd,
		const uint8_t *d, uint16_t len, uint8_t flags, bool ack)
{
	struct rte_mbuf *m = sf_test_seg_frame(c, flags, *snd,
		ack ? fh.rcv : c->iss + 1, d, len);
	enum sf_verdict v = sf_test_input(e, m);

	*snd += len + ((flags & RTE_TCP_FIN_FLAG) ? 1 : 0);
	if (v == SF_VERDICT_TX) {
		sf_test_stream_take(&fh, m);
		return;
	}
	if (v != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	sf_test_stream_take(&fh, NULL);
}

/*
 * Every response where one is due starts with a status line. A HEAD
 * response has a Content-Length and no body, which this walk cannot tell
 * without the requests: with "HEAD" anywhere in the input only the first
 * response is judged.
 */
static void
fh_check_responses(bool first_only)
{
	uint32_t off = 0;

	while (off < fh.n) {
		const char *p = (const char *)fh_in + off, *eoh, *cl;
		uint32_t left = fh.n - off, hl;
		char head[4096];

		if (left < 9)
			return;   /* cut short by the close: nothing to judge */
		if (memcmp(p, "HTTP/1.1 ", 9) != 0) {
			fprintf(stderr, "fuzz_http: no status line at %u\n",
				off);
			abort();
		}
		hl = RTE_MIN(left, (uint32_t)sizeof(head) - 1);
		memcpy(head, p, hl);
		head[hl] = '\0';
		eoh = strstr(head, "\r\n\r\n");
		if (eoh == NULL)
			return;
		cl = strstr(head, "\r\nContent-Length: ");
		off += (uint32_t)(eoh - head) + 4;
		if (cl != NULL && cl < eoh)
			off += (uint32_t)atoi(cl + 18);
		if (first_only || (strncmp(head, "HTTP/1.1 204", 12) != 0 &&
		    (cl == NULL || cl > eoh)))
			return;
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	pool = sf_test_fuzz_init((*argv)[0], "sf_fhttp", 2047);
	sf_test_pool = pool;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t hdr[4] = { 256, 300, 1024, 8192 };
	static const uint32_t body[4] = { 0, 10, 100, 4096 };
	struct sf_engine_params ep;
	struct sf_listener_params lp;
	struct sf_http_params hp;
	struct sf_http_route r;
	struct sf_test_client c;
	struct sf_engine *e;
	struct sf_http *h;
	uint32_t snd, off, len, k = 0;
	unsigned int avail = rte_mempool_avail_count(pool);
	uint8_t cut;
	bool ack;

	if (size < 2)
		return 0;
	sf_http_params_init(&hp);
	hp.max_header_bytes = hdr[data[0] & 3];
	hp.max_body_bytes = body[(data[0] >> 2) & 3];
	hp.idle_timeout_ms = 0;
	hp.max_conns = 8;
	h = sf_http_create(&hp);
	if (h == NULL)
		abort();
	memset(&r, 0, sizeof(r));
	r.path = "/a";
	r.body = "alpha\n";
	r.body_len = 6;
	r.headers = "X-T: 1\r\n";
	if (sf_http_route_add(h, &r) != 0)
		abort();
	memset(&r, 0, sizeof(r));
	r.path = "/n";
	r.status = 204;
	if (sf_http_route_add(h, &r) != 0)
		abort();
	memset(&ep, 0, sizeof(ep));
	ep.nb_workers = 1;
	ep.socket_id = SOCKET_ID_ANY;
	ep.max_requests = ep.max_conns = 8;
	ep.sndbuf = (data[0] & 0x10) ? 8192 : 0;
	sf_listener_params_init(&lp);
	lp.port = FH_PORT;
	sf_http_listener(h, &lp);
	e = sf_test_listen_engine(&ep, &lp);
	ack = !(data[0] & 0x20);
	cut = data[1];
	memset(&fh, 0, sizeof(fh));
	fh.buf = fh_in;
	fh.cap = sizeof(fh_in);
	sf_test_client_init(&c, false, 40000, FH_PORT);
	sf_test_do_syn(e, &c, SF_TOF_MSS);
	sf_test_do_ack(e, &c);
	sf_test_tx_flush();
	snd = c.isn + 1;
	fh.rcv = c.iss + 1;
	for (off = 2; off < size; off += len, k++) {
		uint8_t rot = (uint8_t)((cut << (k & 7)) | (cut >> (8 - (k & 7))));

		len = RTE_MIN((uint32_t)(1 + rot % 64), (uint32_t)(size - off));
		fh_send(e, &c, &snd, data + off, (uint16_t)len,
			RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG, ack);
	}
	fh_send(e, &c, &snd, NULL, 0, RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG,
		ack);
	fh_check_responses(memmem(data, size, "HEAD", 4) != NULL);
	/* the test helpers' own checks (handshake, every frame's sums) */
	if (sf_test_failures != 0)
		abort();
	sf_test_teardown(e);
	sf_http_free(h);
	if (rte_mempool_avail_count(pool) != avail) {
		fprintf(stderr, "mbuf leak: %u in use\n",
			avail - rte_mempool_avail_count(pool));
		abort();
	}
	return 0;
}
