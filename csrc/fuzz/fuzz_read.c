/*
 * fuzz_read.c -- the corpus reader (csrc/np_read.c) from memory: plain and
 * gzip input, by lines or whole, with a small max_record.
 *
 * Input: byte 0 sets max_record (1..64, or 0 for the default), byte 1 the
 * mode (bit 0: np_reader_all after the first line; bit 1: a max_ratio of 2,
 * otherwise the default), the rest is the file.  Invariants: a returned line
 * is at most max_record bytes and holds no "\n"; a skipped line
 * (NP_ELIMIT) reports a length over max_record; after np_reader_all nothing
 * more is handed out, by either call; every call makes progress
 * (the number of calls is bounded); an error is sticky and comes with a
 * message; offsets only grow.  For plain input (no gzip magic) the lines
 * must rebuild the input exactly: each returned line, or a skipped one's
 * length, plus its "\n".
 */
#include "fuzz_common.h"
#include "../np_common.h"
#include "../np_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    np_reader_opts o = { 0 };
    np_reader *r;
    const char *line;
    size_t len, pos = 0, calls = 0, max;
    uint64_t last_off = 0;
    int mode, rc, plain, first = 1;
    char *buf;

    if (size < 2)
        return 0;
    o.max_record = data[0] % 65;
    mode = data[1];
    o.max_ratio = (mode & 2) ? 2 : 0;
    max = o.max_record ? o.max_record : (size_t)256 * 1024 * 1024;
    buf = fz_copy(data + 2, size - 2);
    size -= 2;
    plain = !(size >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b);

    rc = np_reader_open_mem(&r, buf, size, &o);
    FZ_CHECK(rc == NP_OK && r != NULL, "open returned %d", rc);
    FZ_CHECK(np_reader_is_gzip(r) == !plain, "gzip detection");
    for (;;) {
        FZ_CHECK(++calls <= 4 * size + 1024 * 1024, "the reader does not advance");
        if ((mode & 1) && !first) {
            rc = np_reader_all(r, &line, &len);
            if (rc == NP_OK) {
                FZ_CHECK(len <= max, "np_reader_all returned %zu > %zu", len, max);
                if (plain) {
                    FZ_CHECK(pos + len == size && memcmp(buf + pos, line, len) == 0,
                             "np_reader_all: not the rest of the input");
                    pos += len;
                }
            } else if (rc == NP_ELIMIT) {
                FZ_CHECK(line == NULL && len > max, "np_reader_all limit: %zu", len);
                if (plain) {
                    /* what had been read when the limit was passed: all of
                     * a small input, a prefix of the rest of a large one */
                    FZ_CHECK(pos + len <= size && (pos + len == size || len >= 256 * 1024),
                             "np_reader_all limit: wrong length");
                    pos = size;
                }
            }
            if (rc == NP_OK || rc == NP_ELIMIT) {
                /* then nothing is left, however it is asked for */
                rc = np_reader_line(r, &line, &len);
                FZ_CHECK(rc == NP_EOF || rc < 0, "data after np_reader_all: %d", rc);
                if (rc == NP_EOF) {
                    rc = np_reader_all(r, &line, &len);
                    FZ_CHECK(rc == NP_OK && len == 0, "np_reader_all again: %d, %zu", rc, len);
                    rc = NP_EOF;
                }
            }
            break;
        }
        first = 0;
        rc = np_reader_line(r, &line, &len);
        if (rc == NP_EOF)
            break;
        if (rc == NP_OK) {
            FZ_CHECK(line != NULL && len <= max, "line of %zu > %zu", len, max);
            FZ_CHECK(memchr(line, '\n', len) == NULL, "newline inside a line");
            if (plain) {
                FZ_CHECK(pos + len <= size && memcmp(buf + pos, line, len) == 0,
                         "line at %zu is not the input", pos);
                pos += len;
                if (pos < size) {
                    FZ_CHECK(buf[pos] == '\n', "line at %zu not ended by a newline", pos);
                    pos++;
                }
            }
        } else if (rc == NP_ELIMIT) {
            FZ_CHECK(line == NULL && len > max, "skipped line of %zu <= %zu", len, max);
            if (plain) {
                FZ_CHECK(pos + len <= size && memchr(buf + pos, '\n', len) == NULL,
                         "skipped line length %zu at %zu is wrong", len, pos);
                pos += len;
                if (pos < size) {
                    FZ_CHECK(buf[pos] == '\n', "skipped line not ended by a newline");
                    pos++;
                }
            }
        } else {
            break;
        }
        FZ_CHECK(np_reader_offset(r) >= last_off, "offset went back");
        last_off = np_reader_offset(r);
        if (plain)
            FZ_CHECK(np_reader_offset(r) == pos, "offset %llu, expected %zu",
                     (unsigned long long)np_reader_offset(r), pos);
    }
    if (rc < 0 && rc != NP_ELIMIT) {
        FZ_CHECK(!plain || rc == NP_ENOMEM, "plain input failed with %d", rc);
        FZ_CHECK(np_reader_error(r)[0] != '\0' || rc == NP_ENOMEM, "error without a message");
        FZ_CHECK(np_reader_line(r, &line, &len) == rc, "error not sticky");
    } else if (plain) {
        FZ_CHECK(pos == size, "lines rebuilt %zu of %zu bytes", pos, size);
    }
    np_reader_free(r);
    free(buf);
    return 0;
}
