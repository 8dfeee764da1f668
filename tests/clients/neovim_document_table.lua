-- Neovim's built-in LSP client (0.7+) documents the table at line 3 of a file through the real
-- sqlscribe server: list code actions, resolve the table action, apply its edit, run its command,
-- save. Inputs come from the environment; a log of what happened goes to LOG_PATH.
local sql_path, python, log_path = os.getenv('SQL_PATH'), os.getenv('SQLSCRIBE_PYTHON'), os.getenv('LOG_PATH')
local log = io.open(log_path, 'w')
local function say(...) log:write(table.concat({...}, ' ') .. '\n'); log:flush() end
vim.cmd('edit ' .. sql_path)
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'sqlscribe',
  cmd = { python, '-m', 'lsp_server' },
  root_dir = vim.fn.fnamemodify(sql_path, ':h'),
  init_options = { sqlscribe = { backend = os.getenv('SQLSCRIBE_BACKEND') or 'llama' } },
})
vim.lsp.buf_attach_client(buf, client_id)
local client = vim.lsp.get_client_by_id(client_id)
vim.wait(20000, function() return client.server_capabilities ~= nil and next(client.server_capabilities) ~= nil end, 50)
say('capabilities', tostring(client.server_capabilities.codeActionProvider ~= nil))
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 2, character = 4 }, ['end'] = { line = 2, character = 4 } },
  context = { diagnostics = {} },
}
local response = client.request_sync('textDocument/codeAction', params, 20000, buf)
local action
for _, a in ipairs(response.result or {}) do
  say('action', a.title)
  if a.title:find('Document table', 1, true) then action = a end
end
if action.data ~= nil and action.edit == nil and action.command == nil then
  action = client.request_sync('codeAction/resolve', action, 60000, buf).result
  say('resolved', tostring(action.edit ~= nil))
end
if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding) end
if action.command then
  local command = action.command
  if type(command) == 'table' then
    local r = client.request_sync('workspace/executeCommand', command, 60000, buf)
    say('executed', command.command, vim.inspect(r and r.result))
  end
end
vim.wait(200)
vim.cmd('write')
say('written')
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 50)
log:close()
vim.cmd('qa!')
