#include "sim/svg_plot.h"

#include <algorithm>
#include <cstdio>

namespace sim {
namespace {

std::string Polyline(const SimResult& r, double x_scale, double y_scale, double height, const char* color,
                     double (*get)(const TimelineSample&)) {
  std::string pts;
  char buf[64];
  for (const auto& s : r.timeline) {
    std::snprintf(buf, sizeof buf, "%.1f,%.1f ", 60 + s.t_s * x_scale, 20 + height - get(s) * y_scale);
    pts += buf;
  }
  return std::string("<polyline fill=\"none\" stroke-width=\"1\" stroke=\"") + color + "\" points=\"" + pts + "\"/>\n";
}

}  // namespace

std::string RenderSvg(const SimResult& r) {
  const double w = 1200, h = 400;
  double t_max = 1, y_max = 1, wait_max = 1;
  for (const auto& s : r.timeline) {
    t_max = std::max(t_max, s.t_s);
    y_max = std::max({y_max, static_cast<double>(s.demand), static_cast<double>(s.instances)});
    wait_max = std::max(wait_max, s.max_wait_s);
  }
  char buf[512];
  std::string svg;
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" "
                "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                "<text x=\"60\" y=\"14\">policy %s: demand (blue), instances (green), max wait (red, right axis "
                "0-%.0f s); x: 0-%.1f h, y: 0-%.0f</text>\n",
                w + 120, h + 60, r.policy.c_str(), wait_max, t_max / 3600, y_max);
  svg += buf;
  std::snprintf(buf, sizeof buf,
                "<rect x=\"60\" y=\"20\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#888\"/>\n", w, h);
  svg += buf;
  double xs = w / t_max, ys = h / y_max, ws = h / wait_max;
  svg += Polyline(r, xs, ys, h, "#1f77b4", [](const TimelineSample& s) { return static_cast<double>(s.demand); });
  svg += Polyline(r, xs, ys, h, "#2ca02c", [](const TimelineSample& s) { return static_cast<double>(s.instances); });
  svg += Polyline(r, xs, ws, h, "#d62728", [](const TimelineSample& s) { return s.max_wait_s; });
  svg += "</svg>\n";
  return svg;
}

}  // namespace sim
