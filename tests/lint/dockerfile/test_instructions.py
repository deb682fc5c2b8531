from tests.support.checks import fixed, hits


def test_add_of_local_files() -> None:
    text = "FROM alpine:3.20\nADD --chown=app requirements.txt /app/\n"
    assert [f.line for f in hits("DH122", text)] == [2]
    assert "COPY --chown=app requirements.txt /app/" in fixed("DH122", text)


def test_add_of_archives_and_urls_is_what_add_is_for() -> None:
    text = "FROM alpine:3.20\nADD vendor.tar.gz /opt/\nADD --checksum=sha256:abc https://x.example/f /f\n"
    assert hits("DH122", text) == []


def test_add_url_without_checksum() -> None:
    text = "FROM alpine:3.20\nADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\n"
    assert [f.line for f in hits("DH123", text)] == [2]
    assert hits("DH123", text.replace("ADD ", "ADD --checksum=sha256:93dc ")) == []
    assert hits("DH123", "FROM alpine:3.20\nADD https://github.com/o/r.git#v1 /src\n") == []


def test_cd_in_run() -> None:
    found = hits("DH125", "FROM node:20\nRUN cd /app && npm ci\n")
    assert [f.line for f in found] == [2] and "WORKDIR /app" in found[0].message


def test_cd_into_a_temporary_build_directory_is_quiet() -> None:
    text = "FROM debian:12\nRUN cd /tmp/src && make\nRUN cd /opt/x && make install && rm -rf /opt/x\n"
    assert hits("DH125", text) == []


def test_relative_workdir() -> None:
    assert [f.line for f in hits("DH126", "FROM alpine:3.20\nWORKDIR app\n")] == [2]
    assert hits("DH126", "FROM alpine:3.20\nWORKDIR /app\nWORKDIR $HOME/x\n") == []


def test_expose_ssh() -> None:
    assert [f.line for f in hits("DH128", "FROM alpine:3.20\nEXPOSE 8080 22/tcp\n")] == [2]
    assert hits("DH128", "FROM alpine:3.20\nEXPOSE 2222\n") == []


def test_maintainer_becomes_an_oci_label() -> None:
    text = "FROM alpine:3.20\nMAINTAINER Jane Doe <jane@example.com>\n"
    assert [f.line for f in hits("DH129", text)] == [2]
    assert 'LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"' in fixed("DH129", text)
    assert hits("DH129", 'FROM alpine:3.20\nLABEL org.opencontainers.image.authors="x"\n') == []


def test_quoted_variable_workdir_is_not_relative() -> None:
    assert hits("DH126", 'FROM alpine:3.20\nWORKDIR "$CODE_DIR"\nWORKDIR "/app"\n') == []


def test_maintainer_value_is_escaped_for_label() -> None:
    text = 'FROM alpine:3.20\nMAINTAINER "Ops $TEAM" <ops@example.com>\n'
    assert 'authors="\\"Ops \\$TEAM\\" <ops@example.com>"' in fixed("DH129", text)
