// spikegym._core: the C++ envs for Python (pybind11). The pure-Python layer (python/spikegym/)
// gives them Gymnasium's API; this file only moves data.
//
//   Env:       make(id, seed, params) -> reset(seed) -> (obs, info), step(action) -> (obs,
//              reward, terminated, truncated, info); observations as float64 NumPy copies
//   VectorEnv: N copies stepped in one C++ call with the GIL released; reset/step return
//              read-only NumPy views of the batch's own arrays (no copy), valid until the next
//              call on the same object (the views keep it alive)
// C++ errors become Python exceptions with the same one-line message: UserError -> ValueError,
// UsageError -> RuntimeError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "envs/registration.hpp"
#include "envs/vector_env.hpp"

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
}
