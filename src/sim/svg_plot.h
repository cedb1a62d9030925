#pragma once
// sim::RenderSvg: one self-contained SVG of a run over time: demand (jobs queued or
// running), instances alive, and the longest wait per sample (right axis).
#include <string>

#include "sim/simulator.h"

namespace sim {

std::string RenderSvg(const SimResult& r);

}  // namespace sim
