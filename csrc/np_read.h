/*
 * np_read.h -- reading corpus files: plain or gzip, whole or line by line,
 * with limits that hold on hostile input.
 *
 * A reader pulls bytes from a file descriptor or a memory buffer.  Input
 * that starts with the gzip magic (1f 8b) is inflated with zlib (several
 * concatenated members are read in turn, as gzip -d does); anything else is
 * read as it is.  Two limits bound what one reader may cost:
 *
 *   max_record  the longest line (np_reader_line) or file (np_reader_all)
 *               handed back; a longer one is skipped to its end and reported
 *               as NP_ELIMIT, and reading goes on with what follows it;
 *   max_ratio   for gzip input, once more than 64 MiB have been inflated,
 *               inflated bytes may be at most max_ratio times the compressed
 *               bytes read; past that the input is taken for a compression
 *               bomb and the reader fails with NP_EDATA.
 *
 * Errors are sticky: once a reader returns NP_EIO or NP_EDATA it returns the
 * same on every later call, and np_reader_error describes it.
 */
#ifndef NP_READ_H
#define NP_READ_H

#include <stddef.h>
#include <stdint.h>

#include "np_common.h"

#define NP_EOF      1      /* not an error: no more input */
#define NP_EIO    (-6)     /* the operating system refused a read */
#define NP_EDATA  (-7)     /* corrupt or hostile compressed data */

typedef struct np_reader np_reader;

typedef struct {
    size_t max_record;     /* 0: 256 MiB */
    unsigned max_ratio;    /* 0: 200 */
} np_reader_opts;

/* np_reader_open_fd: read from fd.  The reader does not own fd: close it
 * after np_reader_free. */
int np_reader_open_fd(np_reader **out, int fd, const np_reader_opts *opts);

/* np_reader_open_mem: read from a buffer that must outlive the reader. */
int np_reader_open_mem(np_reader **out, const char *data, size_t len,
                       const np_reader_opts *opts);

void np_reader_free(np_reader *r);

/* np_reader_line: the next line without its "\n" (a "\r" before it is
 * kept), valid until the next call.  A last line without "\n" is returned
 * too.  Returns NP_OK, NP_EOF, NP_ELIMIT (a line over max_record was
 * skipped; *len tells how long it was, *line is NULL), NP_EIO, NP_EDATA or
 * NP_ENOMEM. */
int np_reader_line(np_reader *r, const char **line, size_t *len);

/* np_reader_all: everything not yet read, valid until the next call.
 * Returns NP_OK (also for empty input), NP_ELIMIT (over max_record: nothing
 * is returned, reading stops there and *len is what had been read; the
 * reader is then finished: np_reader_line returns NP_EOF and np_reader_all
 * NP_OK with nothing, or both the error met while reading, if one was),
 * NP_EIO, NP_EDATA or NP_ENOMEM. */
int np_reader_all(np_reader *r, const char **data, size_t *len);

/* np_reader_offset: the offset (in the uncompressed stream, counted from
 * the start of the file) of the first byte the next np_reader_line call
 * will return. */
uint64_t np_reader_offset(const np_reader *r);

/* np_reader_max_record: the limit in force (the default when 0 was asked). */
size_t np_reader_max_record(const np_reader *r);

/* np_reader_is_gzip: whether the input is being inflated. */
int np_reader_is_gzip(const np_reader *r);

/* np_reader_error: what went wrong after NP_EIO or NP_EDATA; "" otherwise. */
const char *np_reader_error(const np_reader *r);

#endif
