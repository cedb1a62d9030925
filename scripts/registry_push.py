#!/usr/bin/env python3
"""Copies an image of the local Docker Engine into a registry over the registry HTTP API.

Usage: registry_push.py IMAGE REGISTRY_URL REPOSITORY:TAG [--credentials FILE] [--label NAME]

The image is read with `docker save`; its layers are sent gzip'd (mtime 0, so the same layer
makes the same blob) with a schema2 manifest. Nothing goes through the Engine's own push,
whose insecure-registries may not name the registry. A manifest already there whose config
is the image's is left alone. FILE holds `user:password` for basic auth. Prints one line;
an error names the step and exits 1.
"""
import argparse
import base64
import gzip
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
CONFIG_V1 = "application/vnd.docker.container.image.v1+json"
LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip"
TIMEOUT = 60  # seconds, each request

# The registries are on this host: no proxy of the environment is used.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class StepError(Exception):
    pass


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Registry:
    def __init__(self, url, auth):
        self.url = url.rstrip("/")
        self.auth = auth

    def call(self, step, method, path, data=None, headers=None, ok=(200,)):
        url = path if path.startswith("http") else self.url + path
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        if self.auth:
            req.add_header("Authorization", "Basic " + base64.b64encode(self.auth.encode()).decode())
        try:
            with _opener.open(req, timeout=TIMEOUT) as r:
                status, hdrs, body = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, hdrs, body = e.code, e.headers, e.read()
        except (urllib.error.URLError, OSError) as e:
            raise StepError(f"{step}: {method} {url}: {e}") from e
        if ok is not None and status not in ok:
            raise StepError(f"{step}: {method} {url}: HTTP {status}: {body[:300].decode(errors='replace').strip()}")
        return status, hdrs, body

    def has_blob(self, repo, digest):
        status, _, _ = self.call("blob check", "HEAD", f"/v2/{repo}/blobs/{digest}", ok=None)
        return status == 200

    def put_blob(self, repo, data, digest):
        _, hdrs, _ = self.call("blob upload start", "POST", f"/v2/{repo}/blobs/uploads/", data=b"", ok=(202,))
        location = hdrs.get("Location")
        if not location:
            raise StepError("blob upload start: no Location header")
        location = urllib.parse.urljoin(self.url + "/", location)
        sep = "&" if "?" in location else "?"
        self.call("blob upload " + digest, "PUT", location + sep + "digest=" + urllib.parse.quote(digest), data=data,
                  headers={"Content-Type": "application/octet-stream"}, ok=(201,))


def image_id(image):
    r = subprocess.run(["docker", "image", "inspect", "-f", "{{.Id}}", image], capture_output=True, text=True,
                       timeout=TIMEOUT)
    if r.returncode != 0:
        raise StepError(f"docker image inspect {image}: {r.stderr.strip()}")
    return r.stdout.strip()


def main():
    p = argparse.ArgumentParser(description="Copies a local image into a registry (schema2, gzip'd layers).")
    p.add_argument("image")
    p.add_argument("registry_url")
    p.add_argument("target", help="REPOSITORY:TAG in the registry")
    p.add_argument("--credentials", help="file with user:password")
    p.add_argument("--label", default="", help="the registry's name in the printed line")
    a = p.parse_args()
    repo, _, tag = a.target.rpartition(":")
    if not repo or not tag:
        raise StepError(f"target {a.target!r} is not REPOSITORY:TAG")
    auth = None
    if a.credentials:
        try:
            with open(a.credentials, encoding="utf-8") as f:
                auth = f.read().strip()
        except OSError as e:
            raise StepError(f"credentials: {e}") from e
    name = (a.label + " " if a.label else "") + a.registry_url
    try:
        push(a.image, Registry(a.registry_url, auth), name, repo, tag)
    except StepError as e:
        raise StepError(f"{a.image} to {name} as {repo}:{tag}: {e}") from e


def push(image, reg, name, repo, tag):
    want = image_id(image)
    status, _, body = reg.call("manifest check", "GET", f"/v2/{repo}/manifests/{tag}", headers={"Accept": MANIFEST_V2},
                               ok=(200, 404))
    if status == 200:
        try:
            have = json.loads(body).get("config", {}).get("digest")
        except ValueError:
            have = None
        if have == want:
            print(f"registry: {name} has {repo}:{tag} ({image}, present)")
            return

    with tempfile.TemporaryFile() as saved:
        r = subprocess.run(["docker", "image", "save", image], stdout=saved, stderr=subprocess.PIPE, timeout=300)
        if r.returncode != 0:
            raise StepError(f"docker image save {image}: {r.stderr.decode(errors='replace').strip()}")
        saved.seek(0)
        with tarfile.open(fileobj=saved) as tar:
            def member(path):
                f = tar.extractfile(path)
                if f is None:
                    raise StepError(f"docker save of {image}: {path} is not a file")
                return f.read()

            index = json.loads(member("manifest.json"))
            if not index or "Config" not in index[0]:
                raise StepError(f"docker save of {image}: manifest.json has no image")
            config = member(index[0]["Config"])
            layers = []
            sent = 0
            for path in index[0].get("Layers", []):
                blob = gzip.compress(member(path), compresslevel=6, mtime=0)
                d = digest_of(blob)
                if not reg.has_blob(repo, d):
                    reg.put_blob(repo, blob, d)
                    sent += 1
                layers.append({"mediaType": LAYER_GZIP, "size": len(blob), "digest": d})
    config_digest = digest_of(config)
    if not reg.has_blob(repo, config_digest):
        reg.put_blob(repo, config, config_digest)
        sent += 1
    manifest = json.dumps({
        "schemaVersion": 2,
        "mediaType": MANIFEST_V2,
        "config": {"mediaType": CONFIG_V1, "size": len(config), "digest": config_digest},
        "layers": layers,
    }, separators=(",", ":")).encode()
    reg.call("manifest upload", "PUT", f"/v2/{repo}/manifests/{tag}", data=manifest,
             headers={"Content-Type": MANIFEST_V2}, ok=(201,))
    print(f"registry: {name} has {repo}:{tag} ({image}, pushed {sent} blob(s))")


if __name__ == "__main__":
    try:
        main()
    except StepError as e:
        print(f"registry: push failed: {e}", file=sys.stderr)
        sys.exit(1)
    except subprocess.TimeoutExpired as e:
        print(f"registry: push failed: {' '.join(e.cmd)} did not end within {e.timeout} s", file=sys.stderr)
        sys.exit(1)
