from jobmatch.cli.main import cli

cli(prog_name="jobmatch")
