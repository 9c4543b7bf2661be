// SPDX-License-Identifier: GPL-2.0
/*
 * device_kunit.c - the KUnit cases of duet_c's FIFO (suite duet_c_fifo),
 * run when the module loads with KUnit enabled (kunit.enable=1). Included
 * by device.c, whose static functions they test. Their Rust twins stay in
 * duet_rust.rs's tests module: #[kunit_tests] is an attribute macro, and
 * an attribute macro cannot take a module whose body is in another file.
 */
#include <kunit/test.h>

static size_t duet_test_put(struct duet_fifo *fifo, const void *src,
			    size_t len, u32 *digest)
{
	struct kvec kv = { .iov_base = (void *)src, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return duet_fifo_put(fifo, len, digest, duet_copy_from_iter, &iter);
}

static size_t duet_test_get(struct duet_fifo *fifo, void *dst, size_t len,
			    u32 *digest)
{
	struct kvec kv = { .iov_base = dst, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	return duet_fifo_get(fifo, len, digest, duet_copy_to_iter, &iter);
}

/* A 64-byte ring, and 200 bytes of pattern to push through it. */
static void duet_test_init(struct kunit *test, struct duet_fifo *fifo, u8 *pattern)
{
	fifo->buf = kvzalloc(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fifo->buf);
	fifo->capacity = 64;
	fifo->head = 0;
	fifo->used = 0;
	for (int i = 0; i < 200; i++)
		pattern[i] = i * 7 + 3;
}

static void duet_test_put_stops_when_full(struct kunit *test)
{
	struct duet_fifo fifo;
	u8 pattern[200];

	duet_test_init(test, &fifo, pattern);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 100, NULL), 64);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, fifo.used, 64);
	kvfree(fifo.buf);
}

static void duet_test_wraps_in_order(struct kunit *test)
{
	struct duet_fifo fifo;
	u8 pattern[200], out[200];

	duet_test_init(test, &fifo, pattern);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 40, NULL), 40);
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, out, 30, NULL), 30);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 40, 50, NULL), 50);
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, out + 30, 200, NULL), 60);
	KUNIT_EXPECT_MEMEQ(test, out, pattern, 90);
	KUNIT_EXPECT_EQ(test, fifo.used, 0);
	kvfree(fifo.buf);
}

static void duet_test_resize_keeps_order(struct kunit *test)
{
	struct duet_fifo fifo;
	u8 pattern[200], out[200];

	duet_test_init(test, &fifo, pattern);
	duet_test_put(&fifo, pattern, 50, NULL);
	duet_test_get(&fifo, out, 40, NULL);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 50, 50, NULL), 50);
	KUNIT_EXPECT_EQ(test, duet_fifo_resize(&fifo, 59), -EBUSY);
	KUNIT_EXPECT_EQ(test, duet_fifo_resize(&fifo, 128), 0);
	KUNIT_EXPECT_EQ(test, fifo.capacity, 128);
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 100, 100, NULL), 68);
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, out, 200, NULL), 128);
	KUNIT_EXPECT_MEMEQ(test, out, pattern + 40, 128);
	kvfree(fifo.buf);
}

static void duet_test_digest_is_streamed(struct kunit *test)
{
	u32 in = 0, out = 0;
	struct duet_fifo fifo;
	u8 pattern[200], buf[200];

	duet_test_init(test, &fifo, pattern);
	/* 30 bytes stay queued, so the 25-byte steps wrap around the ring. */
	KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern, 30, &in), 30);
	for (int done = 0; done < 170; done += 25) {
		int step = min(25, 170 - done);

		KUNIT_EXPECT_EQ(test, duet_test_put(&fifo, pattern + 30 + done, step, &in), step);
		KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, buf + done, step, &out), step);
	}
	KUNIT_EXPECT_EQ(test, duet_test_get(&fifo, buf + 170, 30, &out), 30);
	KUNIT_EXPECT_EQ(test, in, duet_digest(0, pattern, 200));
	KUNIT_EXPECT_EQ(test, out, in);
	KUNIT_EXPECT_MEMEQ(test, buf, pattern, 200);
	kvfree(fifo.buf);
}

static struct kunit_case duet_test_cases[] = {
	KUNIT_CASE(duet_test_put_stops_when_full),
	KUNIT_CASE(duet_test_wraps_in_order),
	KUNIT_CASE(duet_test_resize_keeps_order),
	KUNIT_CASE(duet_test_digest_is_streamed),
	{}
};

static struct kunit_suite duet_test_suite = {
	.name = "duet_c_fifo",
	.test_cases = duet_test_cases,
};

kunit_test_suite(duet_test_suite);
