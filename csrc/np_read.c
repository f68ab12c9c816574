/*
 * np_read.c -- plain and gzip input, whole or by lines, bounded.
 *
 * One buffer holds uncompressed bytes not yet handed out: [start, end).
 * np_reader_line looks for "\n" from `scanned` (bytes before it are known
 * to hold none), so a long line is searched once however many reads it
 * takes.  A line longer than max_record is not kept: its bytes are dropped
 * as they arrive and only its length is remembered, so a 10 GB line costs
 * time, never memory.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "np_read.h"

#define CHUNK          (256u * 1024u)
#define DEFAULT_RECORD ((size_t)256 * 1024 * 1024)
#define DEFAULT_RATIO  200u
#define RATIO_FLOOR    ((uint64_t)64 * 1024 * 1024)

struct np_reader {
    /* source: a file descriptor, or a memory buffer when mem != NULL */
    int fd;
    const char *mem;
    size_t mem_len, mem_pos;
    int src_eof;
    uint64_t consumed;          /* bytes taken from the source */
    uint64_t produced;          /* bytes inflated, all members */

    /* gzip */
    int gz;                     /* 0 plain, 1 inflating, 2 stream ended */
    z_stream zs;
    unsigned char *zin;         /* compressed bytes waiting for inflate */

    /* uncompressed bytes not yet returned */
    char *buf;
    size_t cap, start, end, scanned;
    uint64_t off;               /* stream offset of buf[start] */
    int skipping;               /* dropping the rest of an over-long line */
    uint64_t skipped;
    int finished;               /* np_reader_all refused an over-long rest:
                                   nothing after it is handed out */

    size_t max_record;
    unsigned max_ratio;
    int err;
    int err_returned;           /* the caller has been given err */
    char msg[200];
};

static int fail(np_reader *r, int code, const char *msg)
{
    if (r->err == 0) {
        r->err = code;
        snprintf(r->msg, sizeof r->msg, "%s", msg);
    }
    return r->err;
}

/* up to n bytes from the source into dst: the count, 0 at the end, or a
 * negative status */
static long src_read(np_reader *r, void *dst, size_t n)
{
    if (r->src_eof)
        return 0;
    if (r->mem) {
        size_t left = r->mem_len - r->mem_pos;
        if (n > left)
            n = left;
        memcpy(dst, r->mem + r->mem_pos, n);
        r->mem_pos += n;
        r->consumed += n;
        if (n == 0)
            r->src_eof = 1;
        return (long)n;
    }
    for (;;) {
        ssize_t got = read(r->fd, dst, n);
        if (got >= 0) {
            r->consumed += (uint64_t)got;
            if (got == 0)
                r->src_eof = 1;
            return (long)got;
        }
        if (errno != EINTR)
            return fail(r, NP_EIO, strerror(errno));
    }
}

/* room for CHUNK more bytes at the end of the buffer, moving the pending
 * bytes to its front first */
static int make_room(np_reader *r)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->scanned -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end < CHUNK) {
        size_t ncap = r->cap ? r->cap : CHUNK;
        char *nb;
        while (ncap - r->end < CHUNK) {
            if (ncap > SIZE_MAX / 2)
                return fail(r, NP_ENOMEM, "out of memory");
            ncap *= 2;
        }
        nb = realloc(r->buf, ncap);
        if (nb == NULL)
            return fail(r, NP_ENOMEM, "out of memory");
        r->buf = nb;
        r->cap = ncap;
    }
    return NP_OK;
}

/* more compressed input for inflate; 0 at the end of the source */
static long refill_gz(np_reader *r)
{
    long got;
    if (r->zs.avail_in > 0)
        return (long)r->zs.avail_in;
    got = src_read(r, r->zin, CHUNK);
    if (got > 0) {
        r->zs.next_in = r->zin;
        r->zs.avail_in = (uInt)got;
    }
    return got;
}

/* after a gzip member ends: another member, the end, or trailing junk */
static int next_member(np_reader *r)
{
    long got = refill_gz(r);
    if (got < 0)
        return r->err;
    if (got == 0) {
        r->gz = 2;
        return NP_OK;
    }
    if (r->zs.avail_in < 2 && !r->src_eof) {
        /* one byte left in this read: pull the next one beside it */
        unsigned char first = *r->zs.next_in;
        got = src_read(r, r->zin + 1, CHUNK - 1);
        if (got < 0)
            return r->err;
        r->zin[0] = first;
        r->zs.next_in = r->zin;
        r->zs.avail_in = (uInt)(1 + got);
    }
    if (r->zs.avail_in >= 2 && r->zs.next_in[0] == 0x1f && r->zs.next_in[1] == 0x8b) {
        if (inflateReset(&r->zs) != Z_OK)
            return fail(r, NP_EDATA, "cannot restart the gzip decoder");
        return NP_OK;
    }
    r->gz = 2;
    return fail(r, NP_EDATA, "data after the end of the gzip stream");
}

/* inflate into the buffer: bytes added, 0 at the end, or a status */
static long fill_gz(np_reader *r)
{
    while (r->gz == 1) {
        size_t room = r->cap - r->end;
        long got = refill_gz(r);
        int zr;
        size_t made;
        if (got < 0)
            return r->err;
        if (got == 0)
            return fail(r, NP_EDATA, "the gzip data ends too soon (truncated file?)");
        r->zs.next_out = (unsigned char *)r->buf + r->end;
        r->zs.avail_out = room > CHUNK ? CHUNK : (uInt)room;
        zr = inflate(&r->zs, Z_NO_FLUSH);
        made = (size_t)((unsigned char *)r->zs.next_out - (unsigned char *)r->buf) - r->end;
        r->end += made;
        r->produced += made;
        if (zr == Z_STREAM_END) {
            int st = next_member(r);
            if (st != NP_OK && made == 0)
                return st;
        } else if (zr == Z_MEM_ERROR) {
            return fail(r, NP_ENOMEM, "out of memory");
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            char msg[160];
            snprintf(msg, sizeof msg, "corrupt gzip data (%s)",
                     r->zs.msg ? r->zs.msg : "inflate failed");
            return fail(r, NP_EDATA, msg);
        }
        if (r->produced > RATIO_FLOOR &&
            r->produced / r->max_ratio > r->consumed) {
            char msg[160];
            snprintf(msg, sizeof msg,
                     "gzip data inflates more than %u times (a compression bomb?); "
                     "stopped after %llu MiB", r->max_ratio,
                     (unsigned long long)(r->produced >> 20));
            return fail(r, NP_EDATA, msg);
        }
        if (made > 0)
            return (long)made;
    }
    return 0;
}

/* more uncompressed bytes at the end of the buffer: the count, 0 at the
 * end of input, or a negative status */
static long fill(np_reader *r)
{
    long got;
    if (r->err)
        return r->err;
    if (make_room(r) != NP_OK)
        return r->err;
    if (r->gz)
        return fill_gz(r);
    got = src_read(r, r->buf + r->end, CHUNK);
    if (got > 0)
        r->end += (size_t)got;
    return got;
}

static int open_common(np_reader **out, np_reader *r, const np_reader_opts *opts)
{
    long got;
    r->max_record = opts && opts->max_record ? opts->max_record : DEFAULT_RECORD;
    r->max_ratio = opts && opts->max_ratio ? opts->max_ratio : DEFAULT_RATIO;
    *out = r;
    if (r->err || make_room(r) != NP_OK)
        return NP_OK;                       /* reported on first use */
    /* the first two bytes decide: gzip magic, or plain bytes */
    while (r->end < 2) {
        got = src_read(r, r->buf + r->end, CHUNK - r->end);
        if (got <= 0)
            break;
        r->end += (size_t)got;
    }
    if (r->end >= 2 &&
        (unsigned char)r->buf[0] == 0x1f && (unsigned char)r->buf[1] == 0x8b) {
        r->zin = malloc(CHUNK);
        if (r->zin == NULL) {
            fail(r, NP_ENOMEM, "out of memory");
            return NP_OK;
        }
        memcpy(r->zin, r->buf, r->end);
        r->zs.next_in = r->zin;
        r->zs.avail_in = (uInt)r->end;
        r->end = 0;
        if (inflateInit2(&r->zs, 15 + 16) != Z_OK) {
            fail(r, NP_ENOMEM, "cannot start the gzip decoder");
            return NP_OK;
        }
        r->gz = 1;
    }
    return NP_OK;
}

int np_reader_open_fd(np_reader **out, int fd, const np_reader_opts *opts)
{
    np_reader *r;
    *out = NULL;
    if (fd < 0)
        return NP_EINVAL;
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return NP_ENOMEM;
    r->fd = fd;
    return open_common(out, r, opts);
}

int np_reader_open_mem(np_reader **out, const char *data, size_t len,
                       const np_reader_opts *opts)
{
    np_reader *r;
    *out = NULL;
    if (data == NULL && len > 0)
        return NP_EINVAL;
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return NP_ENOMEM;
    r->fd = -1;
    r->mem = data ? data : "";
    r->mem_len = len;
    return open_common(out, r, opts);
}

void np_reader_free(np_reader *r)
{
    if (r == NULL)
        return;
    if (r->gz)
        inflateEnd(&r->zs);
    free(r->zin);
    free(r->buf);
    free(r);
}

/* drop every pending byte (they belong to an over-long record) */
static void drop_pending(np_reader *r)
{
    size_t n = r->end - r->start;
    r->skipped += n;
    r->off += n;
    r->start = r->scanned = r->end;
}

int np_reader_line(np_reader *r, const char **line, size_t *len)
{
    *line = NULL;
    *len = 0;
    /* sticky: lines inflated in the same step as a failure (a bad CRC at
     * the end of a member) are not handed out after the error was */
    if (r->err_returned)
        return r->err;
    if (r->finished) {
        /* an error met while np_reader_all read is still reported */
        if (r->err) {
            r->err_returned = 1;
            return r->err;
        }
        return NP_EOF;
    }
    for (;;) {
        char *nl = r->scanned < r->end
            ? memchr(r->buf + r->scanned, '\n', r->end - r->scanned) : NULL;
        long got;
        if (nl) {
            size_t n = (size_t)(nl - (r->buf + r->start));
            size_t next = (size_t)(nl - r->buf) + 1;
            r->off += n + 1;
            if (r->skipping || n > r->max_record) {
                *len = (size_t)((r->skipping ? r->skipped : 0) + n);
                r->skipping = 0;
                r->start = r->scanned = next;
                return NP_ELIMIT;
            }
            *line = r->buf + r->start;
            *len = n;
            r->start = r->scanned = next;
            return NP_OK;
        }
        r->scanned = r->end;
        if (!r->skipping && r->end - r->start > r->max_record) {
            r->skipping = 1;
            r->skipped = 0;
        }
        if (r->skipping)
            drop_pending(r);
        got = fill(r);
        if (got < 0) {
            r->err_returned = 1;
            return (int)got;
        }
        if (got == 0) {
            if (r->skipping) {
                r->skipping = 0;
                *len = (size_t)r->skipped;
                return NP_ELIMIT;
            }
            if (r->end > r->start) {
                *len = r->end - r->start;
                *line = *len > r->max_record ? NULL : r->buf + r->start;
                r->off += *len;
                r->start = r->scanned = r->end;
                return *line ? NP_OK : NP_ELIMIT;
            }
            return NP_EOF;
        }
    }
}

int np_reader_all(np_reader *r, const char **data, size_t *len)
{
    long got;
    *data = NULL;
    *len = 0;
    if (r->err) {
        r->err_returned = 1;
        return r->err;
    }
    if (r->finished)
        return NP_OK;
    for (;;) {
        if (r->end - r->start > r->max_record) {
            /* too big: say so at once rather than read an endless source
             * (a device, a pipe) to its end.  The rest of the input was
             * that one record, so the reader is finished: a later call must
             * not hand out its tail as if it were a record of its own. */
            *len = r->end - r->start;
            drop_pending(r);
            r->finished = 1;
            return NP_ELIMIT;
        }
        got = fill(r);
        if (got < 0) {
            r->err_returned = 1;
            return (int)got;
        }
        if (got == 0)
            break;
    }
    *data = r->buf + r->start;
    *len = r->end - r->start;
    r->off += *len;
    r->start = r->scanned = r->end;
    return NP_OK;
}

uint64_t np_reader_offset(const np_reader *r) { return r->off; }
size_t np_reader_max_record(const np_reader *r) { return r->max_record; }
int np_reader_is_gzip(const np_reader *r) { return r->gz != 0; }
const char *np_reader_error(const np_reader *r) { return r->err ? r->msg : ""; }
