-- wrk script for `POST /api/v1/orders`: every request a new order (own cart), one or two lines, with a recipient.
-- Arguments: the two SKU codes and a prefix that makes this run's order numbers unique.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  sku1, sku2, prefix = args[1], args[2], args[3]
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local second = ""
  if counter % 2 == 0 then
    second = string.format(',{"sku":"%s","quantity":1,"unitPrice":550}', sku2)
  end
  local body = string.format(
    '{"channel":"own","number":"%s-%d-%d","lines":[{"sku":"%s","quantity":1,"unitPrice":1100}%s],' ..
    '"shipTo":{"name":"山田 花子","postalCode":"150-0001","prefecture":"東京都","city":"渋谷区",' ..
    '"address1":"神宮前1-2-3","phone":"090-%04d-%04d","email":"buyer%d@example.jp"},"shippingFee":660}',
    prefix, id, counter, sku1, second, id, counter % 10000, counter % 5000)
  return wrk.format("POST", "/api/v1/orders", nil, body)
end
