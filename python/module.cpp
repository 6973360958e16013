// spikegym._core: the C++ envs for Python (pybind11). The pure-Python layer (python/spikegym/)
// gives them Gymnasium's API; this file only moves data.
//
//   Env:       make(id, seed, params) -> reset(seed) -> (obs, info), step(action) -> (obs,
//              reward, terminated, truncated, info); observations as float64 NumPy copies
//   VectorEnv: N copies stepped in one C++ call with the GIL released; reset/step return
//              read-only NumPy views of the batch's own arrays (no copy), valid until the next
//              call on the same object (the views keep it alive)
//   train:     one run, resolved as `spikegym train` resolves it (lab::resolveTrainRequest),
//              rows as lists; Ctrl-C between episodes raises KeyboardInterrupt
//   Session:   an env and an agent stepped from Python (lab::Session), with the agent's act /
//              observe for a user's own loop and read-only copies of its weights and spikes
//   run_sweep, runs, compare: the lab (lab/runner, lab/results, lab/compare)
// C++ errors become Python exceptions with the same one-line message: UserError -> ValueError,
// UsageError -> RuntimeError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "core/raster.hpp"
#include "envs/registration.hpp"
#include "envs/vector_env.hpp"
#include "lab/compare.hpp"
#include "lab/cost.hpp"
#include "lab/experiment.hpp"
#include "lab/results.hpp"
#include "lab/runner.hpp"
#include "lab/session.hpp"
#include "lab/training.hpp"

namespace py = pybind11;
using namespace spikegym;

namespace {

py::dict infoDict(const envs::Info* info) {
  py::dict d;
  if (info == nullptr) return d;
  for (const auto& [name, value] : info->values) d[py::str(name)] = value;
  if (!info->truncation_reason.empty()) d["truncation_reason"] = info->truncation_reason;
  return d;
}

py::array_t<double> copyArray(std::span<const double> v) {
  py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

/// A read-only view of `data` whose base keeps `owner` alive.
template <typename T>
py::array view(std::span<const T> data, std::vector<py::ssize_t> shape, py::handle owner) {
  py::array a(py::dtype::of<T>(), std::move(shape), {}, data.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

py::dict spaceDict(const envs::Space& s) {
  py::dict d;
  if (s.kind() == envs::Space::Kind::kDiscrete) {
    d["kind"] = "discrete";
    d["n"] = s.n();
  } else {
    d["kind"] = "box";
    d["low"] = s.low();
    d["high"] = s.high();
    d["shape"] = s.shape();
  }
  return d;
}

envs::Action toAction(const envs::Space& space, const py::handle& a) {
  if (space.kind() == envs::Space::Kind::kDiscrete)
    return envs::Action::discrete(py::cast<std::int64_t>(a));
  envs::Action action;
  action.values = py::cast<std::vector<double>>(a);
  return action;
}

/// A run request from Python's keyword arguments (None: not given).
lab::TrainRequest trainRequest(const std::optional<std::string>& env,
                               const std::optional<std::string>& agent,
                               const std::optional<std::string>& preset,
                               const std::optional<std::string>& config,
                               const std::vector<std::string>& sets, std::optional<long> episodes,
                               std::uint64_t seed, const std::optional<std::string>& load,
                               const std::optional<std::string>& save) {
  lab::TrainRequest r;
  r.spec.seed = seed;
  if (env) r.spec.env_id = *env;
  if (agent) r.spec.agent_type = *agent;
  if (preset) r.preset = *preset;
  if (config) r.config = *config;
  r.sets = sets;
  if (episodes) {
    if (*episodes < 1 || *episodes > lab::kMaxEpisodes) {
      throw UserError("episodes " + std::to_string(*episodes) + ": expected 1 .. " +
                      std::to_string(lab::kMaxEpisodes));
    }
    r.spec.episodes = *episodes;
    r.episodes_given = true;
  }
  if (load) r.spec.load_checkpoint = *load;
  if (save) r.spec.save_checkpoint = *save;
  return r;
}

/// One episode's row as Python values, in the order of rowColumns().
py::list rowValues(const lab::EpisodeRow& row) {
  py::list v;
  v.append(row.episode);
  v.append(row.episode_return);
  v.append(row.length);
  v.append(row.truncated);
  v.append(row.eval);
  for (const auto& [name, value] : row.metrics) v.append(value);
  if (row.cost) {
    for (const auto& [name, value] : lab::costColumns(*row.cost)) v.append(value);
  }
  return v;
}

std::vector<std::string> rowColumns(const lab::EpisodeRow& row) {
  std::vector<std::string> c = {"episode", "return", "length", "truncated", "eval"};
  for (const auto& [name, value] : row.metrics) c.push_back(name);
  if (row.cost) {
    for (const auto& [name, value] : lab::costColumns(*row.cost)) c.push_back(name);
  }
  return c;
}

/// Raises KeyboardInterrupt (or whatever a signal handler raised) in Python when a signal came.
void checkSignals() {
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

/// An env and an agent stepped from Python: lab::Session, the loop runTraining and the viewer
/// use, plus the agent alone for a user's own loop.
class PySession {
 public:
  explicit PySession(const lab::TrainSpec& spec) : session_(spec), env_id_(spec.env_id) {}

  py::dict runEpisode(bool learning) {
    session_.setLearning(learning);
    session_.beginEpisode(next_episode_, !learning);
    while (!session_.stepOnce()) {
    }
    if (learning) ++next_episode_;
    const lab::EpisodeRow& row = session_.lastEpisode();
    py::dict d;
    const auto names = rowColumns(row);
    const py::list values = rowValues(row);
    for (std::size_t i = 0; i < names.size(); ++i) d[py::str(names[i])] = values[i];
    if (!row.truncation_reason.empty()) d["truncation_reason"] = row.truncation_reason;
    return d;
  }

  py::object act(py::array_t<double, py::array::c_style | py::array::forcecast> obs) {
    const auto& space = session_.env().observationSpace();
    if (static_cast<std::size_t>(obs.size()) != space.size()) {
      throw UserError("act: expected an observation of " + std::to_string(space.size()) +
                      " numbers, got " + std::to_string(obs.size()));
    }
    const envs::Action a =
        agent().act(std::span<const double>(obs.data(), static_cast<std::size_t>(obs.size())));
    if (session_.env().actionSpace().kind() == envs::Space::Kind::kDiscrete) {
      return py::int_(a.index);
    }
    return py::cast(a.values);
  }

  void observe(py::array_t<double, py::array::c_style | py::array::forcecast> next_obs,
               double reward, bool terminated, bool truncated, const py::dict& info) {
    if (!info.empty()) {
      envs::Info i;
      for (const auto& [k, v] : info) {
        if (py::isinstance<py::float_>(v) || py::isinstance<py::int_>(v)) {
          i.values.emplace_back(py::cast<std::string>(k), py::cast<double>(v));
        }
      }
      agent().observeInfo(i);
    }
    agent().observe(
        std::span<const double>(next_obs.data(), static_cast<std::size_t>(next_obs.size())), reward,
        terminated, truncated);
  }

  agents::Agent& agent() { return session_.agent(); }
  agents::AgentView& view() {
    agents::AgentView* v = agent().view();
    if (v == nullptr) {
      throw UserError("agent '" + agent().type() + "' has no spiking network to look at");
    }
    return *v;
  }
  lab::Session& session() { return session_; }
  const std::string& envId() const { return env_id_; }

 private:
  lab::Session session_;
  std::string env_id_;
  long next_episode_ = 0;
};

std::size_t indexOf(const std::vector<std::string>& names, const std::string& name,
                    const char* what) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return i;
  }
  throw UserError(std::string("no ") + what + " '" + name + "'" + didYouMean(name, names));
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "spikegym's C++ envs (use the spikegym package, not this module)";
  py::register_exception<UserError>(m, "UserError", PyExc_ValueError);
  py::register_exception<UsageError>(m, "UsageError", PyExc_RuntimeError);

  m.def("env_ids", [] {
    std::vector<std::string> ids;
    for (const envs::EnvSpec* s : envs::registeredEnvs()) ids.push_back(s->id);
    return ids;
  });
  m.def("env_spec", [](const std::string& id) {
    const envs::EnvSpec& s = envs::envSpec(id);
    py::dict d;
    d["id"] = s.id;
    d["summary"] = s.summary;
    d["max_episode_steps"] = s.max_episode_steps;
    d["reward_threshold"] = s.reward_threshold ? py::cast(*s.reward_threshold) : py::none();
    d["dynamics_version"] = s.dynamics_version;
    return d;
  });

  py::class_<envs::Env>(m, "Env")
      .def_static(
          "make",
          [](const std::string& id, std::uint64_t seed,
             const std::map<std::string, std::string>& params) {
            return envs::make(id, seed, params);
          },
          py::arg("id"), py::arg("seed") = 0,
          py::arg("params") = std::map<std::string, std::string>{})
      .def(
          "reset",
          [](envs::Env& e, std::optional<std::uint64_t> seed) {
            const envs::ResetResult r = e.reset(seed);
            return py::make_tuple(copyArray(r.obs), infoDict(r.info));
          },
          py::arg("seed") = py::none())
      .def("step",
           [](envs::Env& e, const py::handle& action) {
             const envs::StepResult r = e.step(toAction(e.actionSpace(), action));
             return py::make_tuple(copyArray(r.obs), r.reward, r.terminated, r.truncated,
                                   infoDict(r.info));
           })
      .def_property_readonly("observation_space",
                             [](const envs::Env& e) { return spaceDict(e.observationSpace()); })
      .def_property_readonly("action_space",
                             [](const envs::Env& e) { return spaceDict(e.actionSpace()); })
      .def_property_readonly("observation_names", &envs::Env::observationNames)
      .def(
          "render",
          [](const envs::Env& e, int width, int height) {
            // The env's draw() painted into memory (core/raster.hpp): (height, width, 3) bytes.
            const auto [lo, hi] = e.drawBounds();
            RasterSink sink(width, height, lo, hi);
            e.draw(sink);
            py::array_t<std::uint8_t> a({height, width, 3});
            std::copy(sink.pixels().begin(), sink.pixels().end(), a.mutable_data());
            return a;
          },
          py::arg("width") = 600, py::arg("height") = 400)
      .def("state", &envs::Env::state);

  py::class_<envs::VectorEnv>(m, "VectorEnv")
      .def(py::init<const std::string&, int, std::uint64_t,
                    const std::map<std::string, std::string>&>(),
           py::arg("id"), py::arg("num_envs"), py::arg("seed") = 0,
           py::arg("params") = std::map<std::string, std::string>{})
      .def_property_readonly("num_envs", &envs::VectorEnv::numEnvs)
      .def_property_readonly(
          "single_observation_space",
          [](const envs::VectorEnv& v) { return spaceDict(v.singleObservationSpace()); })
      .def_property_readonly(
          "single_action_space",
          [](const envs::VectorEnv& v) { return spaceDict(v.singleActionSpace()); })
      .def(
          "reset",
          [](py::object self, std::optional<std::uint64_t> seed) {
            auto& v = self.cast<envs::VectorEnv&>();
            const auto obs = v.reset(seed);
            return view<double>(obs, {v.numEnvs(), static_cast<py::ssize_t>(v.obsSize())}, self);
          },
          py::arg("seed") = py::none())
      .def("step",
           [](py::object self,
              py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> actions) {
             auto& v = self.cast<envs::VectorEnv&>();
             if (actions.ndim() != 1 || actions.shape(0) != v.numEnvs()) {
               throw UsageError("VectorEnv.step: expected " + std::to_string(v.numEnvs()) +
                                " integer actions in a 1-D array");
             }
             const std::span<const std::int64_t> a(actions.data(),
                                                   static_cast<std::size_t>(v.numEnvs()));
             envs::VectorEnv::Step r;
             {
               py::gil_scoped_release release;  // the batch steps in C++; other threads may run
               r = v.step(a);
             }
             const py::ssize_t n = v.numEnvs();
             return py::make_tuple(
                 view<double>(r.obs, {n, static_cast<py::ssize_t>(v.obsSize())}, self),
                 view<double>(r.rewards, {n}, self),
                 view<std::uint8_t>(r.terminated, {n}, self).attr("view")("bool"),
                 view<std::uint8_t>(r.truncated, {n}, self).attr("view")("bool"));
           });

  m.def(
      "train",
      [](const std::optional<std::string>& env, const std::optional<std::string>& agent,
         const std::optional<std::string>& preset, const std::optional<std::string>& config,
         const std::vector<std::string>& sets, std::optional<long> episodes, std::uint64_t seed,
         const std::optional<std::string>& load, const std::optional<std::string>& save,
         long eval_every, long eval_episodes) {
        std::vector<std::string> notes;
        lab::TrainSpec spec = lab::resolveTrainRequest(
            trainRequest(env, agent, preset, config, sets, episodes, seed, load, save), notes);
        if (eval_every < 0 || eval_episodes < 0) {
          throw UserError("eval_every and eval_episodes: expected >= 0");
        }
        spec.eval_every = eval_every;
        spec.eval_episodes = eval_episodes;
        py::list rows;
        std::vector<std::string> columns;
        {
          // The run computes with the GIL released (other Python threads go on); each
          // finished episode takes it back to store its row and look for Ctrl-C.
          py::gil_scoped_release release;
          lab::runTraining(spec, [&](const lab::EpisodeRow& row) {
            py::gil_scoped_acquire acquire;
            if (columns.empty()) columns = rowColumns(row);
            rows.append(rowValues(row));
            checkSignals();  // between episodes: Ctrl-C stops the run
          });
        }
        py::dict out;
        out["columns"] = columns;
        out["rows"] = rows;
        out["notes"] = notes;
        return out;
      },
      py::arg("env") = py::none(), py::arg("agent") = py::none(), py::arg("preset") = py::none(),
      py::arg("config") = py::none(), py::arg("sets") = std::vector<std::string>{},
      py::arg("episodes") = py::none(), py::arg("seed") = 1, py::arg("load") = py::none(),
      py::arg("save") = py::none(), py::arg("eval_every") = 0, py::arg("eval_episodes") = 10);

  py::class_<PySession>(m, "Session")
      .def(py::init(
               [](const std::optional<std::string>& env, const std::optional<std::string>& agent,
                  const std::optional<std::string>& preset,
                  const std::optional<std::string>& config, const std::vector<std::string>& sets,
                  std::uint64_t seed, const std::optional<std::string>& load) {
                 std::vector<std::string> notes;
                 const lab::TrainSpec spec =
                     lab::resolveTrainRequest(trainRequest(env, agent, preset, config, sets,
                                                           std::nullopt, seed, load, std::nullopt),
                                              notes);
                 return std::make_unique<PySession>(spec);
               }),
           py::arg("env") = py::none(), py::arg("agent") = py::none(),
           py::arg("preset") = py::none(), py::arg("config") = py::none(),
           py::arg("sets") = std::vector<std::string>{}, py::arg("seed") = 1,
           py::arg("load") = py::none())
      .def("run_episode", &PySession::runEpisode, py::arg("learning") = true)
      .def("act", &PySession::act)
      .def("observe", &PySession::observe, py::arg("next_obs"), py::arg("reward"),
           py::arg("terminated"), py::arg("truncated"), py::arg("info") = py::dict())
      .def("episode_start", [](PySession& s) { s.agent().onEpisodeStart(); })
      .def_property(
          "learning", [](PySession& s) { return s.agent().learning(); },
          [](PySession& s, bool on) { s.agent().setLearning(on); })
      .def_property_readonly("agent_type", [](PySession& s) { return s.agent().type(); })
      .def_property_readonly("env_id", &PySession::envId)
      .def_property_readonly("population_names",
                             [](PySession& s) { return s.view().populationNames(); })
      .def_property_readonly("projection_names",
                             [](PySession& s) { return s.view().projectionNames(); })
      .def("weights",
           [](PySession& s, const std::string& projection) {
             auto& v = s.view();
             const agents::WeightGrid g =
                 v.weights(indexOf(v.projectionNames(), projection, "projection"));
             py::array_t<float> a(
                 {static_cast<py::ssize_t>(g.rows), static_cast<py::ssize_t>(g.cols)});
             std::copy(g.values.begin(), g.values.end(), a.mutable_data());
             return a;
           })
      .def("set_recording", [](PySession& s, bool on) { s.view().setRecording(on); })
      .def("window_spikes",
           [](PySession& s, const std::string& population) {
             auto& v = s.view();
             const auto& spikes =
                 v.windowSpikes(indexOf(v.populationNames(), population, "population"));
             py::array_t<std::uint64_t> steps(static_cast<py::ssize_t>(spikes.size()));
             py::array_t<std::uint32_t> neurons(static_cast<py::ssize_t>(spikes.size()));
             for (std::size_t i = 0; i < spikes.size(); ++i) {
               steps.mutable_data()[i] = spikes[i].step;
               neurons.mutable_data()[i] = spikes[i].neuron;
             }
             return py::make_tuple(steps, neurons);
           })
      .def_property_readonly("dopamine", [](PySession& s) { return s.view().dopamine(); })
      .def_property_readonly("mean_eligibility",
                             [](PySession& s) { return s.view().meanEligibility(); })
      .def("save", [](PySession& s, const std::string& path) { s.agent().save(path); })
      .def("load", [](PySession& s, const std::string& path) { s.agent().load(path); });

  m.def(
      "run_sweep",
      [](const std::string& file, const std::vector<std::string>& sets, int jobs,
         const std::string& out) {
        const lab::Experiment exp = lab::loadExperiment(file, sets);
        lab::SweepOptions options;
        options.jobs = jobs > 0 ? jobs : static_cast<int>(std::thread::hardware_concurrency());
        options.out_dir = out;
        options.quiet = true;  // no progress lines in a notebook: the returned dict says it all
        std::atomic<bool> stop{false};
        lab::SweepResult result;
        {
          // The sweep runs on a thread of its own; this one waits with the GIL released and
          // looks for Ctrl-C every 100 ms (a signal is only seen with the GIL held).
          auto done =
              std::async(std::launch::async, [&] { return lab::runSweep(exp, options, stop); });
          for (;;) {
            bool finished = false;
            {
              py::gil_scoped_release release;
              finished = done.wait_for(std::chrono::milliseconds(100)) == std::future_status::ready;
            }
            if (finished) break;
            if (PyErr_CheckSignals() != 0) {
              stop = true;
              {
                py::gil_scoped_release release;
                done.wait();
              }
              throw py::error_already_set();
            }
          }
          result = done.get();
        }
        py::dict d;
        d["folder"] = (std::filesystem::path(out) / exp.name).string();
        d["total"] = result.total;
        d["skipped"] = result.skipped;
        d["complete"] = result.complete;
        d["failed"] = result.failed;
        d["interrupted"] = result.interrupted;
        d["failures"] = result.failures;
        d["warnings"] = result.warnings;
        d["summary"] = result.summary;
        return d;
      },
      py::arg("file"), py::arg("sets") = std::vector<std::string>{}, py::arg("jobs") = 0,
      py::arg("out") = "results");

  m.def("runs", [](const std::string& folder) {
    // Every run folder with its status and flattened configuration (complete runs only have
    // results a user may read).
    const std::filesystem::path dir(folder);
    if (!std::filesystem::is_directory(dir)) {
      throw UserError(folder + ": no such results folder (expected results/<name> of a sweep)");
    }
    const std::filesystem::path real = std::filesystem::canonical(dir);
    const lab::Results results(real.parent_path().string(), real.filename().string());
    py::list out;
    for (const auto& id : lab::runFolders(real)) {
      const lab::RunState state = results.assess(id, nullptr);
      py::dict d;
      d["run_id"] = id;
      d["status"] = state.status;
      d["config"] = state.complete() ? py::cast(results.readConfig(id)) : py::none();
      d["episodes_csv"] = (real / id / lab::layout::kEpisodes).string();
      out.append(d);
    }
    return out;
  });

  m.def(
      "compare",
      [](const std::vector<std::string>& dirs, const std::vector<std::string>& by,
         const std::string& metric, const std::string& score, const std::vector<std::string>& plots,
         const std::string& out) {
        lab::CompareOptions o;
        o.dirs = dirs;
        o.by = by;
        o.metric = metric;
        o.score = score;
        o.plots = plots;
        o.out = out;
        const lab::CompareResult r = lab::compare(o);
        py::list groups;
        for (const lab::GroupSummary& g : r.groups) {
          py::dict d;
          d["group"] = g.name;
          for (std::size_t i = 0; i < r.by.size() && i < g.values.size(); ++i) {
            d[py::str(r.by[i])] = g.values[i];
          }
          d["n_runs"] = g.n;
          d["mean"] = g.mean;
          d["std"] = g.std;
          d["median"] = g.median;
          d["iqm"] = g.iqm;
          d["iqm_ci_low"] = g.iqm_low;
          d["iqm_ci_high"] = g.iqm_high;
          d["frac_solved"] = g.frac_solved;
          groups.append(d);
        }
        py::dict d;
        d["groups"] = groups;
        d["table"] = lab::compareTable(r, false);
        d["warnings"] = r.warnings;
        d["out_dir"] = r.out_dir;
        return d;
      },
      py::arg("dirs"), py::arg("by") = std::vector<std::string>{}, py::arg("metric") = "return",
      py::arg("score") = "last:100", py::arg("plots") = std::vector<std::string>{"svg", "png"},
      py::arg("out") = "");
}
