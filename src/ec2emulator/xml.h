#pragma once
// XML helpers for the emulator's answers, in the shapes AWS writes:
//   EC2:          <XResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId/>…
//                 errors: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>
//   Auto Scaling: <XResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
//                 <XResult>…</XResult><ResponseMetadata><RequestId/></ResponseMetadata>
//                 errors: <ErrorResponse xmlns=…><Error><Type/><Code/><Message/></Error><RequestId/>
#include <pugixml.hpp>
#include <string>

#include "ec2emulator/api_error.h"
#include "util/clock.h"

namespace ec2emulator {

inline constexpr const char* kEc2Version = "2016-11-15";
inline constexpr const char* kEc2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";
inline constexpr const char* kAutoScalingVersion = "2011-01-01";
inline constexpr const char* kAutoScalingNamespace = "http://autoscaling.amazonaws.com/doc/2011-01-01/";

// Appends <name>text</name> to `parent` and returns it.
pugi::xml_node AddText(pugi::xml_node parent, const char* name, const std::string& text);
pugi::xml_node AddChild(pugi::xml_node parent, const char* name);

// The document as text with an XML declaration.
std::string Serialize(const pugi::xml_document& doc);

std::string Ec2ErrorXml(const ApiError& e, const std::string& request_id);
std::string AutoScalingErrorXml(const ApiError& e, const std::string& request_id);

// "2011-12-20T08:29:31.000Z": EC2's timestamps (milliseconds, UTC).
std::string IsoMillis(util::Time t);
// "2017-09-18T08:22:00Z": IMDS and Activity causes (seconds, UTC).
std::string IsoSeconds(util::Time t);
// Parses "2011-12-20T08:29:31Z" / ".000Z" (UTC); false when malformed.
bool ParseIso(const std::string& s, util::Time* out);

}  // namespace ec2emulator
