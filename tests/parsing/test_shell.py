from bot.parsing.shell import parse_script


def test_commands_operators_and_quotes() -> None:
    commands = parse_script('apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -yq "a b" || exit 1')
    assert [c.program for c in commands] == ["apt-get", "apt-get", "exit"]
    assert [c.before for c in commands] == ["", "&&", "||"]
    assert commands[1].args == ("install", "-yq", "a b")
    assert commands[1].is_("apt-get", "install")
    assert commands[1].has_flag("y")
    assert commands[1].has_flag("q")
    assert not commands[1].has_flag("no-install-recommends")


def test_newlines_separate_commands_and_continuations_do_not() -> None:
    commands = parse_script("set -e\npip install \\\n  flask\ncurl -fsSL x | sh\n")
    assert [c.argv for c in commands] == [("set", "-e"), ("pip", "install", "flask"), ("curl", "-fsSL", "x"), ("sh",)]
    assert commands[3].before == "|"


def test_wrappers_are_looked_through() -> None:
    (command,) = parse_script("sudo -u app env -i PATH=/bin pip install --no-cache-dir x")
    assert command.program == "pip"
    assert command.sudo
    assert command.has_flag("no-cache-dir")


def test_unbalanced_quotes_do_not_raise() -> None:
    commands = parse_script('echo "unterminated && rm -rf /')
    assert commands[0].program == "echo"
