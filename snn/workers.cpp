#include "snn/workers.hpp"

#include <algorithm>

#include "core/error.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SG_SPIN_PAUSE() _mm_pause()
#else
#define SG_SPIN_PAUSE() ((void)0)
#endif

namespace spikegym::snn {
namespace {
// Spins before sleeping: ~4000 pauses are some tens of microseconds, longer than the gap between
// two network steps of a running simulation, far shorter than an env's or a viewer's pause.
constexpr int kSpins = 4000;
}  // namespace

// Spinning pays only when every member has a core: with more members than cores a spinning
// member holds the core the one it waits for needs (3 threads on 2 cores ran 20x slower), so an
// oversubscribed team sleeps and yields at once.
WorkerTeam::WorkerTeam(int size)
    : size_(size),
      spins_(static_cast<unsigned>(size) <= std::max(1u, std::thread::hardware_concurrency())
                 ? kSpins
                 : 0) {
  if (size < 1) throw UsageError("WorkerTeam: a team has at least 1 member");
  threads_.reserve(static_cast<std::size_t>(size - 1));
  for (int m = 1; m < size; ++m) threads_.emplace_back([this, m] { serve(m); });
}

WorkerTeam::~WorkerTeam() {
  stop_.store(true, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
  generation_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerTeam::run(const std::function<void(int)>& job) {
  if (size_ == 1) return job(0);
  job_ = &job;
  pending_.store(size_ - 1, std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_acq_rel);  // publishes job_ to the members
  generation_.notify_all();
  job(0);
  for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
    if (spins < spins_) {
      SG_SPIN_PAUSE();
    } else {
      std::this_thread::yield();
    }
  }
}

void WorkerTeam::serve(int member) {
  unsigned seen = 0;
  for (;;) {
    unsigned now = generation_.load(std::memory_order_acquire);
    for (int spins = 0; now == seen && spins < spins_; ++spins) {
      SG_SPIN_PAUSE();
      now = generation_.load(std::memory_order_acquire);
    }
    if (now == seen) {
      generation_.wait(seen, std::memory_order_acquire);
      continue;
    }
    seen = now;
    if (stop_.load(std::memory_order_acquire)) return;
    (*job_)(member);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

}  // namespace spikegym::snn
