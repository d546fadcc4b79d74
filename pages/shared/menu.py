"""The staff menu: each page's script, title, address and the roles that see it (admin sees every page)."""

from models import Role

STAFF_ROLES = (Role.admin, Role.township, Role.clerk, Role.supervisor, Role.grid)
# Each staff page: (script, title, url_path, roles that see it in the menu).
STAFF_PAGES = [
    ("pages/staff/home.py", "我的待办", "home", STAFF_ROLES),
    ("pages/staff/overview.py", "月份总览", "overview", STAFF_ROLES),
    ("pages/staff/compliance.py", "按时公开情况", "compliance", (Role.township,)),
    ("pages/staff/entry.py", "录入本月三务", "entry", (Role.clerk,)),
    ("pages/staff/import.py", "Excel导入", "import", (Role.clerk,)),
    ("pages/staff/review.py", "审核与公开", "review", (Role.supervisor, Role.township, Role.clerk)),
    ("pages/staff/audit.py", "操作日志", "audit", (Role.township, Role.clerk, Role.supervisor)),
    ("pages/staff/downloads.py", "打印与下载", "downloads", STAFF_ROLES),
    ("pages/staff/share.py", "网格转发", "share", (Role.grid, Role.clerk)),
    ("pages/staff/policy.py", "政策问答", "policy", (Role.grid, Role.clerk, Role.township, Role.supervisor)),
    ("pages/staff/requests.py", "居民申请", "requests", (Role.clerk, Role.township, Role.supervisor)),
    ("pages/staff/catalogue.py", "公开目录", "catalogue", (Role.township,)),
    ("pages/staff/admin_users.py", "用户管理", "admin-users", ()),
    ("pages/staff/admin_villages.py", "乡镇与村", "admin-villages", ()),
    ("pages/staff/admin_grids.py", "网格与推送渠道", "admin-grids", ()),
    ("pages/staff/admin_settings.py", "公开期限", "admin-settings", ()),
    ("pages/staff/redaction.py", "依法隐去", "admin-redaction", ()),
]
