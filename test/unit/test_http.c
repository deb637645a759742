/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * lib/http/sf_http.c: the HTTP/1.1 responder on a real connection of the
 * test engine (handshake, data segments, what it sends back): routes,
 * the default page, HEAD, requests cut anywhere (one byte a segment),
 * pipelining, keep-alive and close (HTTP/1.1 and 1.0), bodies read and
 * dropped (Content-Length and chunked), every error status, the limits,
 * the idle timeout, route validation and the statistics.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>

#include "sf_http.h"
#include "sf_test.h"

#define LPORT 8080

static struct sf_http *h;
static struct sf_engine *eng;
static uint16_t next_sport = 20000;

/* What one client connection received. */
struct cli {
	struct sf_test_client p;
	uint32_t snd;              /* our next byte */
	struct sf_test_stream s;   /* what synfront sent, in in[] */
	char in[200000];
};

/* Take what the engine sent on this connection into c->in. */
static void
collect(struct cli *c, struct rte_mbuf *extra)
{
	sf_test_stream_take(&c->s, extra);
}

/* Send len bytes at data as one segment (acknowledging all we got). */
static void
send_seg(struct cli *c, const void *data, uint16_t len, uint8_t flags)
{
	struct rte_mbuf *m = sf_test_seg_frame(&c->p, flags, c->snd, c->s.rcv,
		data, len);
	enum sf_verdict v = sf_test_input(eng, m);

	c->snd += len + ((flags & RTE_TCP_FIN_FLAG) ? 1 : 0);
	if (v == SF_VERDICT_TX) {
		collect(c, m);
		return;
	}
	if (v != SF_VERDICT_KEPT)
		rte_pktmbuf_free(m);
	collect(c, NULL);
}

static void
send_str(struct cli *c, const char *s)
{
	send_seg(c, s, (uint16_t)strlen(s), RTE_TCP_ACK_FLAG |
		RTE_TCP_PSH_FLAG);
}

/* A fresh connection, handshake done. */
static void
cli_open(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	sf_test_client_init(&c->p, false, next_sport++, LPORT);
	sf_test_do_syn(eng, &c->p, SF_TOF_MSS);
	sf_test_do_ack(eng, &c->p);
	c->snd = c->p.isn + 1;
	c->s.rcv = c->p.iss + 1;
	c->s.buf = (uint8_t *)c->in;
	c->s.cap = sizeof(c->in);
	sf_test_tx_flush();
}

/* The i-th response in c->in (0 first): status and body; -1 if none. */
static int
resp(const struct cli *c, unsigned int i, const char **body,
		unsigned int *blen, const char **head)
{
	const char *p = c->in, *end = c->in + c->s.n, *eoh, *cl;
	unsigned int status, len;

	for (;;) {
		if (p >= end || end - p < 12 || strncmp(p, "HTTP/1.1 ", 9))
			return -1;
		eoh = strstr(p, "\r\n\r\n");
		if (eoh == NULL || eoh >= end)
			return -1;
		status = (unsigned int)atoi(p + 9);
		cl = strstr(p, "Content-Length: ");
		if (cl == NULL || cl > eoh)
			return -1;
		len = (unsigned int)atoi(cl + 16);
		if (i == 0) {
			if (head != NULL)
				*head = p;
			if (body != NULL)
				*body = eoh + 4;
			if (blen != NULL)
				*blen = len;
			return (int)status;
		}
		/* HEAD responses are not counted past here. */
		p = eoh + 4 + len;
		i--;
	}
}

/* Whether response head hd (up to its blank line) has the line s. */
static bool
has_line(const char *hd, const char *s)
{
	const char *eoh = strstr(hd, "\r\n\r\n");
	const char *f = strstr(hd, s);

	return f != NULL && eoh != NULL && f < eoh;
}

static void
setup_sndbuf(uint32_t idle_ms, uint32_t sndbuf)
{
	struct sf_http_params hp;
	struct sf_http_route r;
	struct sf_listener_params lp;
	static const char big[] = "0123456789";
	static char large[100000];
	unsigned int i;

	sf_http_params_init(&hp);
	hp.max_header_bytes = 1024;
	hp.max_body_bytes = 4096;
	hp.idle_timeout_ms = idle_ms;
	hp.max_conns = 64;
	h = sf_http_create(&hp);
	SF_CHECK(h != NULL);
	memset(&r, 0, sizeof(r));
	r.path = "/a";
	r.body = "alpha\n";
	r.body_len = 6;
	SF_CHECK_EQ(sf_http_route_add(h, &r), 0);
	r.path = "/b";
	r.status = 302;
	r.content_type = "text/html";
	r.body = big;
	r.body_len = 10;
	r.headers = "Location: /a\r\nX-Test: yes\r\n";
	SF_CHECK_EQ(sf_http_route_add(h, &r), 0);
	for (i = 0; i < sizeof(large); i++)
		large[i] = (char)('a' + i % 26);
	memset(&r, 0, sizeof(r));
	r.path = "/none";
	r.status = 204;
	SF_CHECK_EQ(sf_http_route_add(h, &r), 0);
	memset(&r, 0, sizeof(r));
	r.path = "/large";
	r.body = large;
	r.body_len = sizeof(large);
	SF_CHECK_EQ(sf_http_route_add(h, &r), 0);
	sf_listener_params_init(&lp);
	lp.port = LPORT;
	sf_http_listener(h, &lp);
	if (sndbuf != 0) {
		struct sf_engine_params ep;

		memset(&ep, 0, sizeof(ep));
		ep.nb_workers = 1;
		ep.socket_id = SOCKET_ID_ANY;
		ep.max_requests = 64;
		ep.max_conns = 64;
		ep.sndbuf = sndbuf;
		eng = sf_test_listen_engine(&ep, &lp);
	} else {
		eng = sf_test_listen_engine(NULL, &lp);
	}
}

static void
setup(uint32_t idle_ms)
{
	setup_sndbuf(idle_ms, 0);
}

static void
teardown(void)
{
	sf_test_teardown(eng);
	sf_http_free(h);
	eng = NULL;
	h = NULL;
}

/* Routes, the default page, HEAD, 404 kept alive; Date and Server. */
static void
test_routes(void)
{
	struct sf_http_stats st;
	const char *body, *hd;
	unsigned int blen;
	struct cli c;

	setup(0);
	cli_open(&c);
	send_str(&c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 0, &body, &blen, &hd), 200);
	SF_CHECK_EQ(blen, 6);
	if (blen == 6)
		SF_CHECK(memcmp(body, "alpha\n", 6) == 0);
	if (resp(&c, 0, NULL, NULL, &hd) == 200) {
		SF_CHECK(has_line(hd, "\r\nServer: synfront\r\n"));
		SF_CHECK(has_line(hd, "\r\nDate: "));
		SF_CHECK(has_line(hd, " GMT\r\n"));
		SF_CHECK(has_line(hd, "\r\nContent-Type: text/plain\r\n"));
		SF_CHECK(!has_line(hd, "Connection:"));
	}
	send_str(&c, "GET /b?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 1, &body, &blen, &hd), 302);
	if (resp(&c, 1, NULL, NULL, &hd) == 302) {
		SF_CHECK(strncmp(hd, "HTTP/1.1 302 Found\r\n", 20) == 0);
		SF_CHECK(has_line(hd, "\r\nLocation: /a\r\n"));
		SF_CHECK(has_line(hd, "\r\nX-Test: yes\r\n"));
		SF_CHECK(has_line(hd, "\r\nContent-Type: text/html\r\n"));
		SF_CHECK(memcmp(body, "0123456789", 10) == 0);
	}
	/* the default page at "/", absolute-form */
	send_str(&c, "GET http://example.com/ HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 2, &body, &blen, NULL), 200);
	SF_CHECK(blen > 20 && strstr(body, "synfront") != NULL);
	/* unknown: 404, and the connection stays */
	send_str(&c, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 3, NULL, NULL, NULL), 404);
	SF_CHECK(!c.s.fin);
	/* HEAD: the GET's Content-Length, no body */
	send_str(&c, "HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 4, NULL, &blen, &hd), 200);
	SF_CHECK_EQ(blen, 6);
	if (resp(&c, 4, NULL, NULL, &hd) == 200)
		SF_CHECK(strstr(hd, "\r\n\r\n") + 4 == c.in + c.s.n);
	SF_CHECK(!c.s.fin && !c.s.rst);
	/* 204: no Content-Type, no Content-Length, no body; still alive */
	c.s.n = 0;
	send_str(&c, "GET /none HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK(c.s.n > 0 && strncmp(c.in, "HTTP/1.1 204 No Content\r\n",
		25) == 0);
	SF_CHECK(!has_line(c.in, "Content-Length") &&
		!has_line(c.in, "Content-Type"));
	SF_CHECK(c.s.n > 4 && memcmp(c.in + c.s.n - 4, "\r\n\r\n", 4) == 0);
	SF_CHECK(!c.s.fin);
	sf_http_stats_get(h, &st);
	SF_CHECK_EQ(st.conns, 1);
	SF_CHECK_EQ(st.requests, 6);
	SF_CHECK_EQ(st.resp[2], 4);
	SF_CHECK_EQ(st.resp[3], 1);
	SF_CHECK_EQ(st.resp[4], 1);
	SF_CHECK_EQ(st.keepalive_reuse, 5);
	SF_CHECK_EQ(st.parse_errors, 0);
	teardown();
}

/*
 * A request one byte per segment, then three pipelined in one segment,
 * answered in order; a body by Content-Length and a chunked one read
 * and dropped.
 */
static void
test_pieces(void)
{
	static const char req[] = "GET /a HTTP/1.1\r\nHost: x\r\n"
		"User-Agent: t\r\n\r\n";
	static const char three[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
		"GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
		"HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n";
	static const char bodies[] = "GET /a HTTP/1.1\r\nHost: x\r\n"
		"Content-Length: 5\r\n\r\nhello"
		"GET /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
		"4\r\nwiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: t\r\n\r\n"
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
	struct sf_http_stats st;
	struct cli c;
	unsigned int i;

	setup(0);
	cli_open(&c);
	for (i = 0; i < sizeof(req) - 1; i++) {
		SF_CHECK_EQ(c.s.n, 0);
		send_seg(&c, req + i, 1, RTE_TCP_ACK_FLAG);
	}
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, NULL), 200);
	send_str(&c, three);
	SF_CHECK_EQ(resp(&c, 1, NULL, NULL, NULL), 200);
	SF_CHECK_EQ(resp(&c, 2, NULL, NULL, NULL), 302);
	SF_CHECK_EQ(resp(&c, 3, NULL, NULL, NULL), 200);
	sf_http_stats_get(h, &st);
	SF_CHECK_EQ(st.pipelined, 2);
	c.s.n = 0;
	send_str(&c, bodies);
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, NULL), 200);
	SF_CHECK_EQ(resp(&c, 1, NULL, NULL, NULL), 302);
	SF_CHECK_EQ(resp(&c, 2, NULL, NULL, NULL), 200);
	sf_http_stats_get(h, &st);
	SF_CHECK_EQ(st.body_bytes, 5 + 9);
	SF_CHECK_EQ(st.requests, 7);
	SF_CHECK(!c.s.fin && !c.s.rst);
	/*
	 * 300 one-byte chunks (1,500 bytes of framing, more than
	 * max_header_bytes, 1,024): max_header_bytes bounds each line, not
	 * the body; 200, and the connection stays.
	 */
	c.s.n = 0;
	send_str(&c, "GET /a HTTP/1.1\r\nHost: x\r\n"
		"Transfer-Encoding: chunked\r\n\r\n");
	for (i = 0; i < 300; i++)
		send_str(&c, "1\r\nx\r\n");
	send_str(&c, "0\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, NULL), 200);
	SF_CHECK(!c.s.fin && !c.s.rst);
	sf_http_stats_get(h, &st);
	SF_CHECK_EQ(st.body_bytes, 5 + 9 + 300);
	teardown();
}

/* Connection: close, HTTP/1.0 with and without keep-alive, peer FIN. */
static void
test_close(void)
{
	const char *hd;
	struct cli c;

	setup(0);
	cli_open(&c);
	send_str(&c, "GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
		"\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, &hd), 200);
	SF_CHECK(has_line(hd, "\r\nConnection: close\r\n"));
	/* the second request is not answered: the FIN follows */
	SF_CHECK_EQ(resp(&c, 1, NULL, NULL, NULL), -1);
	SF_CHECK(c.s.fin);

	cli_open(&c);
	send_str(&c, "GET /a HTTP/1.0\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, &hd), 200);
	SF_CHECK(has_line(hd, "\r\nConnection: close\r\n"));
	SF_CHECK(c.s.fin);

	cli_open(&c);
	send_str(&c, "GET /a HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, &hd), 200);
	SF_CHECK(has_line(hd, "\r\nConnection: keep-alive\r\n"));
	SF_CHECK(!c.s.fin);
	/* the client's FIN: ours follows */
	send_seg(&c, NULL, 0, RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG);
	SF_CHECK(c.s.fin);
	teardown();
}

/* Every error status, and its close (404 aside). */
static void
test_errors(void)
{
	static const struct {
		const char *req;
		int status;
	} t[] = {
		{ "GET / HTTP/1.1\r\n\r\n", 400 },                /* no Host */
		{ "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400 },    /* SP colon */
		{ "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400 },
		{ "GET /\r\n\r\n", 400 },                          /* HTTP/0.9 */
		{ "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n",
		  400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
		  "Transfer-Encoding: chunked\r\n\r\n", 400 },
		{ "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
		  400 },
		{ "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
		{ "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab",
		  405 },
		{ "GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n",
		  413 },
		/* RFC 9112 6.1: Transfer-Encoding in HTTP/1.0, faulty */
		{ "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n"
		  "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400 },
		/* two Host fields, also in HTTP/1.0 */
		{ "GET /a HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
		/* a chunk size, then something other than BWS ";" */
		{ "GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
		  "\r\n\r\n5 x\r\nhello\r\n0\r\n\r\n", 400 },
		/* a control byte in a chunk extension */
		{ "GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
		  "\r\n\r\n5;\x01\r\nhello\r\n0\r\n\r\n", 400 },
		/* a folded trailer line */
		{ "GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
		  "\r\n\r\n0\r\nT: 1\r\n 2\r\n\r\n", 400 },
	};
	struct sf_http_stats st;
	char buf[1200];
	const char *hd;
	struct cli c;
	unsigned int i;

	setup(0);
	for (i = 0; i < RTE_DIM(t); i++) {
		cli_open(&c);
		send_str(&c, t[i].req);
		SF_CHECK_EQ(resp(&c, 0, NULL, NULL, &hd), t[i].status);
		if (resp(&c, 0, NULL, NULL, &hd) != t[i].status)
			fprintf(stderr, "request %u: %.*s\n", i, (int)c.s.n, c.in);
		SF_CHECK(c.s.fin);
		if (t[i].status == 405 && resp(&c, 0, NULL, NULL, &hd) == 405)
			SF_CHECK(has_line(hd, "\r\nAllow: GET, HEAD\r\n"));
	}
	/* a request line over max_header_bytes: 414; a head: 431 */
	cli_open(&c);
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET /", 5);
	send_seg(&c, buf, sizeof(buf), RTE_TCP_ACK_FLAG);
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, NULL), 414);
	SF_CHECK(c.s.fin);
	cli_open(&c);
	send_str(&c, "GET / HTTP/1.1\r\nHost: x\r\n");
	memset(buf, 'b', sizeof(buf));
	memcpy(buf, "X-Big: ", 7);
	send_seg(&c, buf, sizeof(buf), RTE_TCP_ACK_FLAG);
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, NULL), 431);
	SF_CHECK(c.s.fin);
	sf_http_stats_get(h, &st);
	/* 405 and 413 are not malformed requests; 414 and 431 are */
	SF_CHECK_EQ(st.parse_errors, RTE_DIM(t) - 2 + 2);
	SF_CHECK_EQ(st.resp[4], RTE_DIM(t) - 1 + 2);
	SF_CHECK_EQ(st.resp[5], 1);
	teardown();
}

/*
 * A 100,000-byte body takes more than the peer's window: the rest goes
 * as the peer acknowledges; a request pipelined behind it waits and is
 * answered after it, in order.
 */
static void
test_large(void)
{
	const char *body;
	unsigned int blen, i;
	struct cli c;
	bool ok = true;

	/* a send budget of 32 KiB: the response waits for room */
	setup_sndbuf(0, 32768);
	cli_open(&c);
	send_str(&c, "GET /large HTTP/1.1\r\nHost: x\r\n\r\n"
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
	for (i = 0; i < 200 && resp(&c, 1, NULL, NULL, NULL) < 0; i++)
		send_seg(&c, NULL, 0, RTE_TCP_ACK_FLAG);
	SF_CHECK_EQ(resp(&c, 0, &body, &blen, NULL), 200);
	SF_CHECK_EQ(blen, 100000);
	for (i = 0; blen == 100000 && i < blen; i++) {
		ok = ok && body[i] == (char)('a' + i % 26);
	}
	SF_CHECK(ok);
	SF_CHECK_EQ(resp(&c, 1, NULL, NULL, NULL), 200);
	SF_CHECK(!c.s.rst);
	teardown();
}

/*
 * The idle timeout (100 ms): inside a request, 408 and the close;
 * between requests, the close alone.
 */
static void
test_idle(void)
{
	struct sf_http_stats st;
	struct cli a, b;
	uint64_t end;

	setup(100);
	cli_open(&a);
	send_str(&a, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&a, 0, NULL, NULL, NULL), 200);
	cli_open(&b);
	send_str(&b, "GET /a HTTP/1.1\r\nHo");
	sf_http_poll(h);
	collect(&a, NULL);
	SF_CHECK(!a.s.fin && !b.s.fin);
	end = rte_get_tsc_cycles() + rte_get_tsc_hz() * 3 / 10;
	while (rte_get_tsc_cycles() < end) {
		sf_http_poll(h);
		rte_delay_us_block(1000);
	}
	/* both closed; what the engine sent went to sf_test_tx */
	{
		unsigned int i, fins = 0;
		bool r408 = false;

		for (i = 0; i < sf_test_tx_n; i++) {
			struct sf_test_seg r;
			char buf[64] = "";
			uint32_t len;

			if (!SF_TEST_TCP_PARSE(sf_test_tx[i], &r))
				continue;
			fins += (r.flags & RTE_TCP_FIN_FLAG) != 0;
			len = RTE_MIN((uint32_t)r.data_len, 20u);
			if (len != 0) {
				const void *d = rte_pktmbuf_read(sf_test_tx[i],
					rte_pktmbuf_pkt_len(sf_test_tx[i]) -
					r.data_len, len, buf);

				if (d != NULL && d != buf)
					memcpy(buf, d, len);
				r408 = r408 || (r.dport == b.p.t.sport &&
					strncmp(buf, "HTTP/1.1 408", 12) == 0);
			}
		}
		SF_CHECK_EQ(fins, 2);
		SF_CHECK(r408);
		sf_test_tx_flush();
	}
	sf_http_stats_get(h, &st);
	SF_CHECK_EQ(st.timeouts, 2);
	teardown();
}

/*
 * The Date field follows the clock: a response kept whole for its second
 * is made again in the next one (the same route, the same connection).
 */
static void
test_date(void)
{
	char d1[40] = "", d2[40] = "";
	const char *hd;
	struct cli c;
	time_t t0;

	setup(0);
	cli_open(&c);
	t0 = time(NULL);
	send_str(&c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, &hd), 200);
	if (resp(&c, 0, NULL, NULL, &hd) == 200 && strstr(hd, "Date: "))
		memcpy(d1, strstr(hd, "Date: "), 35);
	while (time(NULL) == t0)
		rte_delay_us_block(10000);
	c.s.n = 0;
	send_str(&c, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
	SF_CHECK_EQ(resp(&c, 0, NULL, NULL, &hd), 200);
	if (resp(&c, 0, NULL, NULL, &hd) == 200 && strstr(hd, "Date: "))
		memcpy(d2, strstr(hd, "Date: "), 35);
	SF_CHECK(d1[0] != '\0' && d2[0] != '\0' && strcmp(d1, d2) != 0);
	teardown();
}

/* Routes and settings refused. */
static void
test_bad_routes(void)
{
	struct sf_http_params hp;
	struct sf_http_route r;
	struct sf_http *x;
	char path[300];

	sf_http_params_init(&hp);
	hp.max_conns = 8;
	hp.max_header_bytes = 100;
	SF_CHECK(sf_http_create(&hp) == NULL);
	SF_CHECK_EQ(rte_errno, EINVAL);
	hp.max_header_bytes = 8192;
	x = sf_http_create(&hp);
	SF_CHECK(x != NULL);
	if (x == NULL)
		return;
	memset(&r, 0, sizeof(r));
	r.path = "nope";
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.path = "/a b";
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.path = "/a?x";
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	r.path = path;
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.path = "/x";
	r.status = 99;
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.status = 200;
	r.headers = "Content-Length: 5\r\n";
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.headers = "X-A: 1";
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.headers = "Content-Type: a/b\r\n";
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.headers = "X-A: 1\r\n";
	SF_CHECK_EQ(sf_http_route_add(x, &r), 0);
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EEXIST);
	/* 204 and 304: no body */
	r.path = "/e";
	r.status = 204;
	r.body = "x";
	r.body_len = 1;
	SF_CHECK_EQ(sf_http_route_add(x, &r), -EINVAL);
	r.body_len = 0;
	r.body = NULL;
	SF_CHECK_EQ(sf_http_route_add(x, &r), 0);
	sf_http_free(x);
}

int
main(int argc, char **argv)
{
	sf_test_init(argc, argv);
	test_routes();
	test_pieces();
	test_close();
	test_errors();
	test_large();
	test_idle();
	test_date();
	test_bad_routes();
	return sf_test_done("test_http");
}
