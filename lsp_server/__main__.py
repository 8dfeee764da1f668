from lsp_server import main

main()
