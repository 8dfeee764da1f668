from sqlscribe.paths import leave_working_directory_out

leave_working_directory_out()

from lsp_server import main  # noqa: E402 - after the working directory is off sys.path

main()
