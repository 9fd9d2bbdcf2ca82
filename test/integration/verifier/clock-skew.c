/*
 * Shifts a process's wall clock by MEDZK_CLOCK_SKEW_MS milliseconds (LD_PRELOAD), so that a real
 * redis-server can run minutes ahead of or behind the verifier (redis-challenge-store.test.ts).
 *
 * Why not Debian's faketime: libfaketime deadlocks in redis-server at start-up. Its initialiser
 * calls dlsym, which allocates; Debian's redis allocates with jemalloc, whose initialisation calls
 * clock_gettime, which re-enters libfaketime before it is initialised
 * (https://github.com/wolfcw/libfaketime/issues/130, open). This shim calls no dlsym and allocates
 * nothing: the real clocks are read with the raw system call, and only the wall clocks
 * (CLOCK_REALTIME and its variants, gettimeofday, time) are shifted, which is what Redis
 * computes key expiry from (mstime() -> gettimeofday).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long skew_ns(void) {
  static int read;
  static long long skew;
  if (!read) {
    const char *ms = getenv("MEDZK_CLOCK_SKEW_MS");
    skew = ms ? atoll(ms) * 1000000LL : 0;
    read = 1;
  }
  return skew;
}

static int is_wall_clock(clockid_t id) {
  return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  if (syscall(SYS_clock_gettime, id, ts) != 0) return -1;
  if (is_wall_clock(id)) {
    long long ns = (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec + skew_ns();
    ts->tv_sec = ns / 1000000000LL;
    ts->tv_nsec = ns % 1000000000LL;
  }
  return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
  (void)tz;
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return -1;
  tv->tv_sec = ts.tv_sec; /* glibc declares tv non-null */
  tv->tv_usec = ts.tv_nsec / 1000;
  return 0;
}

time_t time(time_t *out) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}
