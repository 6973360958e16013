// A team of threads that runs one job on every member and waits for all of them: the fork-join
// step of a network split across threads (Network::setThreads).
//
// Why not a general pool: a network step is a few microseconds of work, so the hand-off must cost
// well under a microsecond. Members spin on an atomic generation counter for a while (the next step
// usually comes within microseconds), then sleep on it (std::atomic::wait) so that an idle network
// (an env stepping between actions, a viewer paused) does not hold a core busy. The caller is
// member 0 and works too; members 1..n-1 are threads owned by the team.
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace spikegym::snn {

class WorkerTeam {
 public:
  /// A team of `size` members (>= 1); size 1 runs every job on the caller, with no thread.
  explicit WorkerTeam(int size);
  ~WorkerTeam();
  WorkerTeam(const WorkerTeam&) = delete;
  WorkerTeam& operator=(const WorkerTeam&) = delete;

  /// Runs job(member) for every member 0..size()-1 (member 0 on the calling thread) and returns
  /// when all are done. Not reentrant: a job must not call run().
  void run(const std::function<void(int member)>& job);
  int size() const { return size_; }

 private:
  void serve(int member);

  int size_;
  int spins_;  // pauses before sleeping: 0 when the team has more members than the machine cores
  const std::function<void(int)>* job_ = nullptr;
  std::atomic<unsigned> generation_{0};  // bumped once per run(); members wait for a change
  std::atomic<int> pending_{0};          // members still working on the current job
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace spikegym::snn
