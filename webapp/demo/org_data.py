"""Demo units and users (fictional), loaded by `flask govflow seed-demo`.

江南省、临江市及其所辖县区、乡镇（街道）、部门均为虚构，人名亦为虚构，如有雷同纯属巧合。
All demo accounts share the password DEMO_PASSWORD.
"""

# Key demo accounts (password: govflow123), in the order a new user would try them:
#   xy_qingshan   青山县委办信息员      — 起草并报送信息，报告紧急信息
#   zr_qingshan   青山县委办公室主任    — 审核
#   ld_qingshan   青山县分管领导        — 审签，核签本县紧急信息
#   zy_qingshan   青山县主要领导        — 签发重要信息
#   bj_city       市委办信息科编辑      — 采用、编辑、退回，编辑刊物，考核排名与年度评选
#   kz_city       市委办信息科科长      — 刊物每一期的科长审核
#   zy_city       市委秘书长            — 批示
#   dc_city       市委督查室            — 立项督办、交办
#   cb_qingshan   青山县承办单位经办人  — 办理反馈
#   zb_city       市委总值班室值班员    — 非工作时间接报紧急信息、电话接报
#   ld_city       市委办副主任          — 核签上报省委的紧急信息
#   bj_qingshan   青山县委办信息编辑    — 接收所辖乡镇报来的信息和紧急信息（工作时间）
#   zb_qingshan   青山县委办值班员      — 接收所辖乡镇报来的紧急信息（非工作时间）
#   bj_prov / zb_prov / ld_prov  省委办公厅 — 接报、核签上报中央的紧急信息
#   admin         系统管理员            — 单位、用户、流程、日历、规则、演示时钟（三员分立，见 docs/administration.md）
#   aqbm          安全保密管理员        — 授予角色和密级、解除账号锁定
#   sjy           安全审计员            — 审计日志：查询、导出
#
# Username scheme: <role prefix>_<unit tag>[_<township tag>]
#   xy = 信息员 writer      zr = 办公室主任 verifier (townships: verifier + leader)
#   ld = 分管领导 leader    zy = 主要领导 principal    cb = 承办单位经办人 handler
#   bj = 上级编辑 editor    dc = 督查室 supervisor     zb = 总值班室值班员 duty
#   kz = 信息科长 (the information office's verifier: 科长审核 of a publication's issue)
#   A digit after the prefix (xy2_, bj2_, ...) marks a second account with the same role.
#   Unit tags: county pinyin (qingshan, linjiang, ...), department abbreviations
#   (fgw 发展改革委, jyj 教育局, gaj 公安局, ...), city / prov for the 市委办 / 省委办公厅.

# Unit: (code, name, kind, function, parent_code)
#   kind in: "province", "city", "county", "township", "department", "office"
#   function: None, or for kind "office": "info" (信息处/信息科), "supervision" (督查室), "duty" (总值班室)
UNITS = [
    # 省委办公厅及内设处室
    ("prov", "江南省委办公厅", "province", None, None),
    ("prov-info", "省委办公厅信息处", "office", "info", "prov"),
    ("prov-dc", "省委督查室", "office", "supervision", "prov"),
    ("prov-duty", "省委总值班室", "office", "duty", "prov"),
    # 市委办公室及内设科室
    ("city", "临江市委办公室", "city", None, "prov"),
    ("city-info", "市委办信息科", "office", "info", "city"),
    ("city-dc", "市委督查室", "office", "supervision", "city"),
    ("city-duty", "市委总值班室", "office", "duty", "city"),
    # 青山县委办公室及所辖乡镇（街道）
    ("county-01", "青山县委办公室", "county", None, "city"),
    ("county-01-t1", "青山县白石镇党政办", "township", None, "county-01"),
    ("county-01-t2", "青山县龙潭镇党政办", "township", None, "county-01"),
    ("county-01-t3", "青山县东坪乡党政办", "township", None, "county-01"),
    # 临江区委办公室及所辖乡镇（街道）
    ("county-02", "临江区委办公室", "county", None, "city"),
    ("county-02-t1", "临江区滨江街道党政办", "township", None, "county-02"),
    ("county-02-t2", "临江区望江街道党政办", "township", None, "county-02"),
    ("county-02-t3", "临江区沙洲镇党政办", "township", None, "county-02"),
    # 江湾区委办公室及所辖乡镇（街道）
    ("county-03", "江湾区委办公室", "county", None, "city"),
    ("county-03-t1", "江湾区新港街道党政办", "township", None, "county-03"),
    ("county-03-t2", "江湾区渔湾街道党政办", "township", None, "county-03"),
    ("county-03-t3", "江湾区芦荡镇党政办", "township", None, "county-03"),
    # 云溪县委办公室及所辖乡镇（街道）
    ("county-04", "云溪县委办公室", "county", None, "city"),
    ("county-04-t1", "云溪县云台镇党政办", "township", None, "county-04"),
    ("county-04-t2", "云溪县溪口镇党政办", "township", None, "county-04"),
    ("county-04-t3", "云溪县茶岭乡党政办", "township", None, "county-04"),
    # 松岭县委办公室及所辖乡镇（街道）
    ("county-05", "松岭县委办公室", "county", None, "city"),
    ("county-05-t1", "松岭县松源镇党政办", "township", None, "county-05"),
    ("county-05-t2", "松岭县黄泥岭镇党政办", "township", None, "county-05"),
    ("county-05-t3", "松岭县高坪乡党政办", "township", None, "county-05"),
    # 柳塘县委办公室及所辖乡镇（街道）
    ("county-06", "柳塘县委办公室", "county", None, "city"),
    ("county-06-t1", "柳塘县柳溪镇党政办", "township", None, "county-06"),
    ("county-06-t2", "柳塘县荷塘镇党政办", "township", None, "county-06"),
    ("county-06-t3", "柳塘县双桥乡党政办", "township", None, "county-06"),
    # 梅岭县委办公室及所辖乡镇（街道）
    ("county-07", "梅岭县委办公室", "county", None, "city"),
    ("county-07-t1", "梅岭县梅坑镇党政办", "township", None, "county-07"),
    ("county-07-t2", "梅岭县岭头镇党政办", "township", None, "county-07"),
    ("county-07-t3", "梅岭县竹园乡党政办", "township", None, "county-07"),
    # 枫林县委办公室及所辖乡镇（街道）
    ("county-08", "枫林县委办公室", "county", None, "city"),
    ("county-08-t1", "枫林县枫桥镇党政办", "township", None, "county-08"),
    ("county-08-t2", "枫林县石坝镇党政办", "township", None, "county-08"),
    ("county-08-t3", "枫林县杨柳乡党政办", "township", None, "county-08"),
    # 鹤鸣县委办公室及所辖乡镇（街道）
    ("county-09", "鹤鸣县委办公室", "county", None, "city"),
    ("county-09-t1", "鹤鸣县鹤山镇党政办", "township", None, "county-09"),
    ("county-09-t2", "鹤鸣县鸣凤镇党政办", "township", None, "county-09"),
    ("county-09-t3", "鹤鸣县清泉乡党政办", "township", None, "county-09"),
    # 石湾县委办公室及所辖乡镇（街道）
    ("county-10", "石湾县委办公室", "county", None, "city"),
    ("county-10-t1", "石湾县石湾镇党政办", "township", None, "county-10"),
    ("county-10-t2", "石湾县马鞍镇党政办", "township", None, "county-10"),
    ("county-10-t3", "石湾县金鸡乡党政办", "township", None, "county-10"),
    # 市直部门
    ("dept-01", "市发展改革委办公室", "department", None, "city"),
    ("dept-02", "市教育局办公室", "department", None, "city"),
    ("dept-03", "市公安局办公室", "department", None, "city"),
    ("dept-04", "市财政局办公室", "department", None, "city"),
    ("dept-05", "市人社局办公室", "department", None, "city"),
    ("dept-06", "市自然资源局办公室", "department", None, "city"),
    ("dept-07", "市生态环境局办公室", "department", None, "city"),
    ("dept-08", "市住建局办公室", "department", None, "city"),
    ("dept-09", "市交通运输局办公室", "department", None, "city"),
    ("dept-10", "市水利局办公室", "department", None, "city"),
    ("dept-11", "市农业农村局办公室", "department", None, "city"),
    ("dept-12", "市商务局办公室", "department", None, "city"),
    ("dept-13", "市文广旅局办公室", "department", None, "city"),
    ("dept-14", "市卫健委办公室", "department", None, "city"),
    ("dept-15", "市应急管理局办公室", "department", None, "city"),
    ("dept-16", "市市场监管局办公室", "department", None, "city"),
    ("dept-17", "市信访局办公室", "department", None, "city"),
    ("dept-18", "市统计局办公室", "department", None, "city"),
    ("dept-19", "市城管局办公室", "department", None, "city"),
    ("dept-20", "市医保局办公室", "department", None, "city"),
]

# User: (username, name, unit_code, roles, clearance)
#   roles: tuple of codes from: writer(信息员) verifier(办公室主任) leader(分管领导) principal(主要领导)
#          editor(上级编辑) duty(总值班室值班员) supervisor(督查室) handler(承办单位经办人) admin(系统管理员)
#   clearance: 0 公开, 1 内部, 2 秘密
USERS = [
    # 市委办公室、省委办公厅
    ("admin", "孔勇", "city", ("admin",), 2),  # 系统管理员
    ("aqbm", "严静", "city", ("secadmin",), 2),  # 安全保密管理员
    ("sjy", "华振东", "city", ("auditor",), 2),  # 安全审计员
    ("ld_city", "田立军", "city", ("leader",), 2),  # 市委办副主任（分管领导）
    ("zy_city", "吕晓丽", "city", ("principal",), 2),  # 市委秘书长（主要领导）
    ("bj_city", "叶桂英", "city-info", ("editor",), 2),  # 市委办信息科编辑
    ("bj2_city", "曹丽娟", "city-info", ("editor",), 2),  # 市委办信息科编辑
    ("bj3_city", "薛明亮", "city-info", ("editor",), 1),  # 市委办信息科编辑（内部级，看不到秘密件）
    ("kz_city", "钱文斌", "city-info", ("verifier",), 2),  # 市委办信息科科长（刊物科长审核）
    ("dc_city", "黄鹏飞", "city-dc", ("supervisor",), 2),  # 市委督查室
    ("dc2_city", "苏彩霞", "city-dc", ("supervisor",), 2),  # 市委督查室
    ("zb_city", "顾俊峰", "city-duty", ("duty",), 2),  # 市委总值班室值班员
    ("bj_prov", "徐芳", "prov-info", ("editor",), 2),  # 省委办公厅信息处编辑
    ("dc_prov", "郭丹", "prov-dc", ("supervisor",), 2),  # 省委督查室
    ("zb_prov", "许红梅", "prov-duty", ("duty",), 2),  # 省委总值班室值班员
    ("ld_prov", "方建华", "prov", ("leader",), 2),  # 省委办公厅副主任（分管领导，核签上报中央的紧急信息）
    # 青山县（county-01）
    ("xy_qingshan", "王晓宁", "county-01", ("writer",), 1),  # 青山县委办信息员
    ("xy2_qingshan", "蒋继红", "county-01", ("writer",), 0),  # 青山县委办信息员（公开级）
    ("zr_qingshan", "姜明亮", "county-01", ("verifier",), 2),  # 青山县委办公室主任
    ("ld_qingshan", "韩晓华", "county-01", ("leader",), 2),  # 青山县委分管领导（县委常委）
    ("zy_qingshan", "雷建明", "county-01", ("principal",), 2),  # 青山县委书记（主要领导）
    ("cb_qingshan", "丁晶", "county-01", ("handler",), 1),  # 青山县承办单位经办人
    # The county office has no 信息科 or 总值班室 of its own, so its townships' reports are received in the unit
    # itself: emergencies by the editor in working hours and by the duty officer otherwise (rules.route).
    ("bj_qingshan", "陶晓雯", "county-01", ("editor",), 2),  # 青山县委办信息编辑
    ("zb_qingshan", "彭立新", "county-01", ("duty",), 2),  # 青山县委办值班员
    ("xy_qingshan_baishi", "曾红军", "county-01-t1", ("writer",), 0),  # 白石镇信息员
    ("zr_qingshan_baishi", "严雪梅", "county-01-t1", ("verifier", "leader"), 1),  # 白石镇党政办主任兼分管领导
    ("zy_qingshan_baishi", "田红霞", "county-01-t1", ("principal",), 1),  # 白石镇党委书记
    ("xy_qingshan_longtan", "潘桂英", "county-01-t2", ("writer",), 0),  # 龙潭镇信息员
    ("zr_qingshan_longtan", "曹丽君", "county-01-t2", ("verifier", "leader"), 1),  # 龙潭镇党政办主任兼分管领导
    ("zy_qingshan_longtan", "熊国华", "county-01-t2", ("principal",), 1),  # 龙潭镇党委书记
    ("xy_qingshan_dongping", "崔晓丽", "county-01-t3", ("writer",), 0),  # 东坪乡信息员
    ("zr_qingshan_dongping", "毛雪梅", "county-01-t3", ("verifier", "leader"), 1),  # 东坪乡党政办主任兼分管领导
    ("zy_qingshan_dongping", "刘丽君", "county-01-t3", ("principal",), 1),  # 东坪乡党委书记
    # 临江区（county-02）
    ("xy_linjiang", "邵玉珍", "county-02", ("writer",), 1),  # 临江区委办信息员
    ("zr_linjiang", "卢泽宇", "county-02", ("verifier",), 2),  # 临江区委办公室主任
    ("ld_linjiang", "马海鹰", "county-02", ("leader",), 2),  # 临江区委分管领导（区委常委）
    ("zy_linjiang", "覃丽霞", "county-02", ("principal",), 2),  # 临江区委书记（主要领导）
    ("xy_linjiang_binjiang", "叶秀芳", "county-02-t1", ("writer",), 0),  # 滨江街道信息员
    ("zr_linjiang_binjiang", "胡振宇", "county-02-t1", ("verifier", "leader"), 1),  # 滨江街道党政办主任兼分管领导
    ("zy_linjiang_binjiang", "闫丽萍", "county-02-t1", ("principal",), 1),  # 滨江街道党工委书记
    ("xy_linjiang_wangjiang", "顾丹", "county-02-t2", ("writer",), 0),  # 望江街道信息员
    ("zr_linjiang_wangjiang", "贺振宇", "county-02-t2", ("verifier", "leader"), 1),  # 望江街道党政办主任兼分管领导
    ("zy_linjiang_wangjiang", "覃诗涵", "county-02-t2", ("principal",), 1),  # 望江街道党工委书记
    ("xy_linjiang_shazhou", "邵晓宁", "county-02-t3", ("writer",), 0),  # 沙洲镇信息员
    ("zr_linjiang_shazhou", "方嘉怡", "county-02-t3", ("verifier", "leader"), 1),  # 沙洲镇党政办主任兼分管领导
    ("zy_linjiang_shazhou", "叶海燕", "county-02-t3", ("principal",), 1),  # 沙洲镇党委书记
    # 江湾区（county-03）
    ("xy_jiangwan", "张建军", "county-03", ("writer",), 1),  # 江湾区委办信息员
    ("zr_jiangwan", "曾继红", "county-03", ("verifier",), 2),  # 江湾区委办公室主任
    ("ld_jiangwan", "丁海鹰", "county-03", ("leader",), 2),  # 江湾区委分管领导（区委常委）
    ("zy_jiangwan", "武晓冬", "county-03", ("principal",), 2),  # 江湾区委书记（主要领导）
    ("xy_jiangwan_xingang", "邵秀珍", "county-03-t1", ("writer",), 0),  # 新港街道信息员
    ("zr_jiangwan_xingang", "孟明辉", "county-03-t1", ("verifier", "leader"), 1),  # 新港街道党政办主任兼分管领导
    ("zy_jiangwan_xingang", "周爱华", "county-03-t1", ("principal",), 1),  # 新港街道党工委书记
    ("xy_jiangwan_yuwan", "孔丽华", "county-03-t2", ("writer",), 0),  # 渔湾街道信息员
    ("zr_jiangwan_yuwan", "李建国", "county-03-t2", ("verifier", "leader"), 1),  # 渔湾街道党政办主任兼分管领导
    ("zy_jiangwan_yuwan", "钱霞", "county-03-t2", ("principal",), 1),  # 渔湾街道党工委书记
    ("xy_jiangwan_ludang", "田俊辉", "county-03-t3", ("writer",), 0),  # 芦荡镇信息员
    ("zr_jiangwan_ludang", "雷霞", "county-03-t3", ("verifier", "leader"), 1),  # 芦荡镇党政办主任兼分管领导
    ("zy_jiangwan_ludang", "孙树林", "county-03-t3", ("principal",), 1),  # 芦荡镇党委书记
    # 云溪县（county-04）
    ("xy_yunxi", "于志刚", "county-04", ("writer",), 1),  # 云溪县委办信息员
    ("zr_yunxi", "陆新华", "county-04", ("verifier",), 2),  # 云溪县委办公室主任
    ("ld_yunxi", "任国良", "county-04", ("leader",), 2),  # 云溪县委分管领导（县委常委）
    ("zy_yunxi", "周玉兰", "county-04", ("principal",), 2),  # 云溪县委书记（主要领导）
    ("xy_yunxi_yuntai", "邓雅婷", "county-04-t1", ("writer",), 0),  # 云台镇信息员
    ("zr_yunxi_yuntai", "贾少华", "county-04-t1", ("verifier", "leader"), 1),  # 云台镇党政办主任兼分管领导
    ("zy_yunxi_yuntai", "龚伟", "county-04-t1", ("principal",), 1),  # 云台镇党委书记
    ("xy_yunxi_xikou", "宋红军", "county-04-t2", ("writer",), 0),  # 溪口镇信息员
    ("zr_yunxi_xikou", "黄金山", "county-04-t2", ("verifier", "leader"), 1),  # 溪口镇党政办主任兼分管领导
    ("zy_yunxi_xikou", "欧晓莉", "county-04-t2", ("principal",), 1),  # 溪口镇党委书记
    ("xy_yunxi_chaling", "郝金花", "county-04-t3", ("writer",), 0),  # 茶岭乡信息员
    ("zr_yunxi_chaling", "任俊杰", "county-04-t3", ("verifier", "leader"), 1),  # 茶岭乡党政办主任兼分管领导
    ("zy_yunxi_chaling", "姜秀梅", "county-04-t3", ("principal",), 1),  # 茶岭乡党委书记
    # 松岭县（county-05）
    ("xy_songling", "邵晓燕", "county-05", ("writer",), 1),  # 松岭县委办信息员
    ("zr_songling", "王雅婷", "county-05", ("verifier",), 2),  # 松岭县委办公室主任
    ("ld_songling", "梁斌", "county-05", ("leader",), 2),  # 松岭县委分管领导（县委常委）
    ("zy_songling", "杜国华", "county-05", ("principal",), 2),  # 松岭县委书记（主要领导）
    ("xy_songling_songyuan", "钟爱华", "county-05-t1", ("writer",), 0),  # 松源镇信息员
    ("zr_songling_songyuan", "周燕", "county-05-t1", ("verifier", "leader"), 1),  # 松源镇党政办主任兼分管领导
    ("zy_songling_songyuan", "薛红英", "county-05-t1", ("principal",), 1),  # 松源镇党委书记
    ("xy_songling_huangniling", "崔德华", "county-05-t2", ("writer",), 0),  # 黄泥岭镇信息员
    ("zr_songling_huangniling", "徐振国", "county-05-t2", ("verifier", "leader"), 1),  # 黄泥岭镇党政办主任兼分管领导
    ("zy_songling_huangniling", "白晓峰", "county-05-t2", ("principal",), 1),  # 黄泥岭镇党委书记
    ("xy_songling_gaoping", "武健", "county-05-t3", ("writer",), 0),  # 高坪乡信息员
    ("zr_songling_gaoping", "蒋俊峰", "county-05-t3", ("verifier", "leader"), 1),  # 高坪乡党政办主任兼分管领导
    ("zy_songling_gaoping", "姜晓光", "county-05-t3", ("principal",), 1),  # 高坪乡党委书记
    # 柳塘县（county-06）
    ("xy_liutang", "郑建军", "county-06", ("writer",), 1),  # 柳塘县委办信息员
    ("zr_liutang", "蒋婷婷", "county-06", ("verifier",), 2),  # 柳塘县委办公室主任
    ("ld_liutang", "谢卫国", "county-06", ("leader",), 2),  # 柳塘县委分管领导（县委常委）
    ("zy_liutang", "沈文华", "county-06", ("principal",), 2),  # 柳塘县委书记（主要领导）
    ("xy_liutang_liuxi", "顾秀梅", "county-06-t1", ("writer",), 0),  # 柳溪镇信息员
    ("zr_liutang_liuxi", "向斌", "county-06-t1", ("verifier", "leader"), 1),  # 柳溪镇党政办主任兼分管领导
    ("zy_liutang_liuxi", "汤明杰", "county-06-t1", ("principal",), 1),  # 柳溪镇党委书记
    ("xy_liutang_hetang", "严建明", "county-06-t2", ("writer",), 0),  # 荷塘镇信息员
    ("zr_liutang_hetang", "曾晓东", "county-06-t2", ("verifier", "leader"), 1),  # 荷塘镇党政办主任兼分管领导
    ("zy_liutang_hetang", "朱志强", "county-06-t2", ("principal",), 1),  # 荷塘镇党委书记
    ("xy_liutang_shuangqiao", "常淑华", "county-06-t3", ("writer",), 0),  # 双桥乡信息员
    ("zr_liutang_shuangqiao", "林红霞", "county-06-t3", ("verifier", "leader"), 1),  # 双桥乡党政办主任兼分管领导
    ("zy_liutang_shuangqiao", "薛雪芹", "county-06-t3", ("principal",), 1),  # 双桥乡党委书记
    # 梅岭县（county-07）
    ("xy_meiling", "覃红英", "county-07", ("writer",), 1),  # 梅岭县委办信息员
    ("zr_meiling", "崔俊辉", "county-07", ("verifier",), 2),  # 梅岭县委办公室主任
    ("ld_meiling", "张晓冬", "county-07", ("leader",), 2),  # 梅岭县委分管领导（县委常委）
    ("zy_meiling", "常伟", "county-07", ("principal",), 2),  # 梅岭县委书记（主要领导）
    ("xy_meiling_meikeng", "朱清华", "county-07-t1", ("writer",), 0),  # 梅坑镇信息员
    ("zr_meiling_meikeng", "宋秀芳", "county-07-t1", ("verifier", "leader"), 1),  # 梅坑镇党政办主任兼分管领导
    ("zy_meiling_meikeng", "刘军", "county-07-t1", ("principal",), 1),  # 梅坑镇党委书记
    ("xy_meiling_lingtou", "方文静", "county-07-t2", ("writer",), 0),  # 岭头镇信息员
    ("zr_meiling_lingtou", "黄彦君", "county-07-t2", ("verifier", "leader"), 1),  # 岭头镇党政办主任兼分管领导
    ("zy_meiling_lingtou", "陶宏图", "county-07-t2", ("principal",), 1),  # 岭头镇党委书记
    ("xy_meiling_zhuyuan", "许慧娟", "county-07-t3", ("writer",), 0),  # 竹园乡信息员
    ("zr_meiling_zhuyuan", "武建华", "county-07-t3", ("verifier", "leader"), 1),  # 竹园乡党政办主任兼分管领导
    ("zy_meiling_zhuyuan", "袁晓莉", "county-07-t3", ("principal",), 1),  # 竹园乡党委书记
    # 枫林县（county-08）
    ("xy_fenglin", "宋静", "county-08", ("writer",), 1),  # 枫林县委办信息员
    ("zr_fenglin", "任晓红", "county-08", ("verifier",), 2),  # 枫林县委办公室主任
    ("ld_fenglin", "龙卫东", "county-08", ("leader",), 2),  # 枫林县委分管领导（县委常委）
    ("zy_fenglin", "雷美玲", "county-08", ("principal",), 2),  # 枫林县委书记（主要领导）
    ("xy_fenglin_fengqiao", "王晓燕", "county-08-t1", ("writer",), 0),  # 枫桥镇信息员
    ("zr_fenglin_fengqiao", "高金花", "county-08-t1", ("verifier", "leader"), 1),  # 枫桥镇党政办主任兼分管领导
    ("zy_fenglin_fengqiao", "莫玉清", "county-08-t1", ("principal",), 1),  # 枫桥镇党委书记
    ("xy_fenglin_shiba", "丁丽华", "county-08-t2", ("writer",), 0),  # 石坝镇信息员
    ("zr_fenglin_shiba", "侯晓梅", "county-08-t2", ("verifier", "leader"), 1),  # 石坝镇党政办主任兼分管领导
    ("zy_fenglin_shiba", "顾新华", "county-08-t2", ("principal",), 1),  # 石坝镇党委书记
    ("xy_fenglin_yangliu", "段少华", "county-08-t3", ("writer",), 0),  # 杨柳乡信息员
    ("zr_fenglin_yangliu", "李文斌", "county-08-t3", ("verifier", "leader"), 1),  # 杨柳乡党政办主任兼分管领导
    ("zy_fenglin_yangliu", "于文杰", "county-08-t3", ("principal",), 1),  # 杨柳乡党委书记
    # 鹤鸣县（county-09）
    ("xy_heming", "吴晓华", "county-09", ("writer",), 1),  # 鹤鸣县委办信息员
    ("zr_heming", "史晓光", "county-09", ("verifier",), 2),  # 鹤鸣县委办公室主任
    ("ld_heming", "田桂兰", "county-09", ("leader",), 2),  # 鹤鸣县委分管领导（县委常委）
    ("zy_heming", "袁诗涵", "county-09", ("principal",), 2),  # 鹤鸣县委书记（主要领导）
    ("xy_heming_heshan", "廖美玲", "county-09-t1", ("writer",), 0),  # 鹤山镇信息员
    ("zr_heming_heshan", "金冬梅", "county-09-t1", ("verifier", "leader"), 1),  # 鹤山镇党政办主任兼分管领导
    ("zy_heming_heshan", "杜永强", "county-09-t1", ("principal",), 1),  # 鹤山镇党委书记
    ("xy_heming_mingfeng", "黎兴旺", "county-09-t2", ("writer",), 0),  # 鸣凤镇信息员
    ("zr_heming_mingfeng", "余军", "county-09-t2", ("verifier", "leader"), 1),  # 鸣凤镇党政办主任兼分管领导
    ("zy_heming_mingfeng", "史海燕", "county-09-t2", ("principal",), 1),  # 鸣凤镇党委书记
    ("xy_heming_qingquan", "郭海波", "county-09-t3", ("writer",), 0),  # 清泉乡信息员
    ("zr_heming_qingquan", "王俊杰", "county-09-t3", ("verifier", "leader"), 1),  # 清泉乡党政办主任兼分管领导
    ("zy_heming_qingquan", "王勇军", "county-09-t3", ("principal",), 1),  # 清泉乡党委书记
    # 石湾县（county-10）
    ("xy_shiwan", "姜清华", "county-10", ("writer",), 1),  # 石湾县委办信息员
    ("zr_shiwan", "段志华", "county-10", ("verifier",), 2),  # 石湾县委办公室主任
    ("ld_shiwan", "熊颖", "county-10", ("leader",), 2),  # 石湾县委分管领导（县委常委）
    ("zy_shiwan", "万凤英", "county-10", ("principal",), 2),  # 石湾县委书记（主要领导）
    ("xy_shiwan_shiwan", "范鹏飞", "county-10-t1", ("writer",), 0),  # 石湾镇信息员
    ("zr_shiwan_shiwan", "林志勇", "county-10-t1", ("verifier", "leader"), 1),  # 石湾镇党政办主任兼分管领导
    ("zy_shiwan_shiwan", "戴光明", "county-10-t1", ("principal",), 1),  # 石湾镇党委书记
    ("xy_shiwan_maan", "石艳", "county-10-t2", ("writer",), 0),  # 马鞍镇信息员
    ("zr_shiwan_maan", "钱德华", "county-10-t2", ("verifier", "leader"), 1),  # 马鞍镇党政办主任兼分管领导
    ("zy_shiwan_maan", "罗燕", "county-10-t2", ("principal",), 1),  # 马鞍镇党委书记
    ("xy_shiwan_jinji", "周欣", "county-10-t3", ("writer",), 0),  # 金鸡乡信息员
    ("zr_shiwan_jinji", "孔宏亮", "county-10-t3", ("verifier", "leader"), 1),  # 金鸡乡党政办主任兼分管领导
    ("zy_shiwan_jinji", "顾宇航", "county-10-t3", ("principal",), 1),  # 金鸡乡党委书记
    # 市发展改革委（dept-01）
    ("xy_fgw", "卢金凤", "dept-01", ("writer",), 1),  # 市发展改革委信息员
    ("zr_fgw", "汤浩然", "dept-01", ("verifier",), 2),  # 市发展改革委办公室主任
    ("ld_fgw", "程春燕", "dept-01", ("leader",), 2),  # 市发展改革委分管领导
    ("zy_fgw", "汤子涵", "dept-01", ("principal",), 2),  # 市发展改革委主要负责人
    ("cb_fgw", "周淑珍", "dept-01", ("handler",), 1),  # 市发展改革委承办单位经办人
    # 市教育局（dept-02）
    ("xy_jyj", "石佳琪", "dept-02", ("writer",), 1),  # 市教育局信息员
    ("zr_jyj", "马玉清", "dept-02", ("verifier",), 2),  # 市教育局办公室主任
    ("ld_jyj", "尹春华", "dept-02", ("leader",), 2),  # 市教育局分管领导
    ("zy_jyj", "魏志强", "dept-02", ("principal",), 2),  # 市教育局主要负责人
    ("cb_jyj", "武海涛", "dept-02", ("handler",), 1),  # 市教育局承办单位经办人
    # 市公安局（dept-03）
    ("xy_gaj", "程娜", "dept-03", ("writer",), 1),  # 市公安局信息员
    ("zr_gaj", "梁锋", "dept-03", ("verifier",), 2),  # 市公安局办公室主任
    ("ld_gaj", "严兴旺", "dept-03", ("leader",), 2),  # 市公安局分管领导
    ("zy_gaj", "陆磊", "dept-03", ("principal",), 2),  # 市公安局主要负责人
    ("cb_gaj", "覃勇军", "dept-03", ("handler",), 1),  # 市公安局承办单位经办人
    # 市财政局（dept-04）
    ("xy_czj", "谢树林", "dept-04", ("writer",), 1),  # 市财政局信息员
    ("zr_czj", "龚宇航", "dept-04", ("verifier",), 2),  # 市财政局办公室主任
    ("ld_czj", "高文杰", "dept-04", ("leader",), 2),  # 市财政局分管领导
    ("zy_czj", "杨浩然", "dept-04", ("principal",), 2),  # 市财政局主要负责人
    # 市人社局（dept-05）
    ("xy_rsj", "贺振华", "dept-05", ("writer",), 1),  # 市人社局信息员
    ("zr_rsj", "金春生", "dept-05", ("verifier",), 2),  # 市人社局办公室主任
    ("ld_rsj", "黎国庆", "dept-05", ("leader",), 2),  # 市人社局分管领导
    ("zy_rsj", "肖卫国", "dept-05", ("principal",), 2),  # 市人社局主要负责人
    # 市自然资源局（dept-06）
    ("xy_zrzyj", "李磊", "dept-06", ("writer",), 1),  # 市自然资源局信息员
    ("zr_zrzyj", "金建新", "dept-06", ("verifier",), 2),  # 市自然资源局办公室主任
    ("ld_zrzyj", "孔建伟", "dept-06", ("leader",), 2),  # 市自然资源局分管领导
    ("zy_zrzyj", "熊晶", "dept-06", ("principal",), 2),  # 市自然资源局主要负责人
    # 市生态环境局（dept-07）
    ("xy_sthjj", "郭建英", "dept-07", ("writer",), 1),  # 市生态环境局信息员
    ("zr_sthjj", "韩平", "dept-07", ("verifier",), 2),  # 市生态环境局办公室主任
    ("ld_sthjj", "冯颖", "dept-07", ("leader",), 2),  # 市生态环境局分管领导
    ("zy_sthjj", "付思远", "dept-07", ("principal",), 2),  # 市生态环境局主要负责人
    # 市住建局（dept-08）
    ("xy_zjj", "肖桂兰", "dept-08", ("writer",), 1),  # 市住建局信息员
    ("zr_zjj", "杜丽霞", "dept-08", ("verifier",), 2),  # 市住建局办公室主任
    ("ld_zjj", "吴艳", "dept-08", ("leader",), 2),  # 市住建局分管领导
    ("zy_zjj", "白正平", "dept-08", ("principal",), 2),  # 市住建局主要负责人
    # 市交通运输局（dept-09）
    ("xy_jtj", "黎亚楠", "dept-09", ("writer",), 1),  # 市交通运输局信息员
    ("zr_jtj", "肖建伟", "dept-09", ("verifier",), 2),  # 市交通运输局办公室主任
    ("ld_jtj", "范玉兰", "dept-09", ("leader",), 2),  # 市交通运输局分管领导
    ("zy_jtj", "莫志远", "dept-09", ("principal",), 2),  # 市交通运输局主要负责人
    # 市水利局（dept-10）
    ("xy_slj", "罗玉珍", "dept-10", ("writer",), 1),  # 市水利局信息员
    ("zr_slj", "欧长青", "dept-10", ("verifier",), 2),  # 市水利局办公室主任
    ("ld_slj", "何卫东", "dept-10", ("leader",), 2),  # 市水利局分管领导
    ("zy_slj", "邹晓梅", "dept-10", ("principal",), 2),  # 市水利局主要负责人
    # 市农业农村局（dept-11）
    ("xy_nyj", "赵建华", "dept-11", ("writer",), 1),  # 市农业农村局信息员
    ("zr_nyj", "江建英", "dept-11", ("verifier",), 2),  # 市农业农村局办公室主任
    ("ld_nyj", "沈红梅", "dept-11", ("leader",), 2),  # 市农业农村局分管领导
    ("zy_nyj", "秦春燕", "dept-11", ("principal",), 2),  # 市农业农村局主要负责人
    # 市商务局（dept-12）
    ("xy_swj", "钱晓东", "dept-12", ("writer",), 1),  # 市商务局信息员
    ("zr_swj", "莫晨曦", "dept-12", ("verifier",), 2),  # 市商务局办公室主任
    ("ld_swj", "龙文华", "dept-12", ("leader",), 2),  # 市商务局分管领导
    ("zy_swj", "于文静", "dept-12", ("principal",), 2),  # 市商务局主要负责人
    # 市文广旅局（dept-13）
    ("xy_wglj", "张志华", "dept-13", ("writer",), 1),  # 市文广旅局信息员
    ("zr_wglj", "贾国庆", "dept-13", ("verifier",), 2),  # 市文广旅局办公室主任
    ("ld_wglj", "曾雪芹", "dept-13", ("leader",), 2),  # 市文广旅局分管领导
    ("zy_wglj", "杨海波", "dept-13", ("principal",), 2),  # 市文广旅局主要负责人
    # 市卫健委（dept-14）
    ("xy_wjw", "何璐", "dept-14", ("writer",), 1),  # 市卫健委信息员
    ("zr_wjw", "黄立军", "dept-14", ("verifier",), 2),  # 市卫健委办公室主任
    ("ld_wjw", "廖晓峰", "dept-14", ("leader",), 2),  # 市卫健委分管领导
    ("zy_wjw", "钱凤英", "dept-14", ("principal",), 2),  # 市卫健委主要负责人
    # 市应急管理局（dept-15）
    ("xy_yjj", "侯春生", "dept-15", ("writer",), 1),  # 市应急管理局信息员
    ("zr_yjj", "杜文涛", "dept-15", ("verifier",), 2),  # 市应急管理局办公室主任
    ("ld_yjj", "段明杰", "dept-15", ("leader",), 2),  # 市应急管理局分管领导
    ("zy_yjj", "朱家豪", "dept-15", ("principal",), 2),  # 市应急管理局主要负责人
    # 市市场监管局（dept-16）
    ("xy_scjgj", "钱秀珍", "dept-16", ("writer",), 1),  # 市市场监管局信息员
    ("zr_scjgj", "欧思远", "dept-16", ("verifier",), 2),  # 市市场监管局办公室主任
    ("ld_scjgj", "黄娜", "dept-16", ("leader",), 2),  # 市市场监管局分管领导
    ("zy_scjgj", "韦国良", "dept-16", ("principal",), 2),  # 市市场监管局主要负责人
    # 市信访局（dept-17）
    ("xy_xfj", "苏翠华", "dept-17", ("writer",), 1),  # 市信访局信息员
    ("zr_xfj", "郑梦瑶", "dept-17", ("verifier",), 2),  # 市信访局办公室主任
    ("ld_xfj", "金彩霞", "dept-17", ("leader",), 2),  # 市信访局分管领导
    ("zy_xfj", "吴国栋", "dept-17", ("principal",), 2),  # 市信访局主要负责人
    # 市统计局（dept-18）
    ("xy_tjj", "金振国", "dept-18", ("writer",), 1),  # 市统计局信息员
    ("zr_tjj", "向云峰", "dept-18", ("verifier",), 2),  # 市统计局办公室主任
    ("ld_tjj", "夏璐", "dept-18", ("leader",), 2),  # 市统计局分管领导
    ("zy_tjj", "邵海涛", "dept-18", ("principal",), 2),  # 市统计局主要负责人
    # 市城管局（dept-19）
    ("xy_cgj", "梁嘉怡", "dept-19", ("writer",), 1),  # 市城管局信息员
    ("zr_cgj", "曾健", "dept-19", ("verifier",), 2),  # 市城管局办公室主任
    ("ld_cgj", "莫家豪", "dept-19", ("leader",), 2),  # 市城管局分管领导
    ("zy_cgj", "雷文涛", "dept-19", ("principal",), 2),  # 市城管局主要负责人
    # 市医保局（dept-20）
    ("xy_ybj", "韦慧娟", "dept-20", ("writer",), 1),  # 市医保局信息员
    ("zr_ybj", "潘建国", "dept-20", ("verifier",), 2),  # 市医保局办公室主任
    ("ld_ybj", "余建平", "dept-20", ("leader",), 2),  # 市医保局分管领导
    ("zy_ybj", "程瑞芳", "dept-20", ("principal",), 2),  # 市医保局主要负责人
]

DEMO_PASSWORD = "govflow123"

# (username, what to try with it), in the order a new user would use them.
DEMO_LOGINS = [
    ("xy_qingshan", "青山县委办信息员：起草一条信息并报送，可先存草稿；“紧急信息”报告突发事件，看各级时限倒计时"),
    ("zr_qingshan", "青山县委办公室主任：审核信息员的稿件，通过或退回修改"),
    ("ld_qingshan", "青山县分管领导：审签已审核的信息，同意后报送市委办；核签本县紧急信息"),
    ("zy_qingshan", "青山县委书记：签发重要信息，查看本县报送情况"),
    ("bj_city", "市委办信息科编辑：处理各县区、部门报送的信息，采用、编辑或退回；工作时间接报紧急信息，看月度统计；"
                "“考核通报”看月度、季度和年度排名，登记奖励加分，评选年度先进"),
    ("kz_city", "市委办信息科科长：刊物每一期编好后在待办中“科长审核”，通过后送领导签发，或退回编辑"),
    ("zb_city", "市委总值班室值班员：非工作时间接报紧急信息，“电话接报”先登记电话报告，记录漏报、瞒报"),
    ("dc_city", "市委督查室：登记、交办领导批示件，审批延期，审核报结；“批示件督办”看红黄灯；"
                "“督查台账”看本年重点任务、各节点报送和督查通报"),
    ("cb_qingshan", "青山县承办人：办理交办的批示件，报送进展、申请延期、报结"),
    ("admin", "系统管理员：单位、用户、流程设计、工作日历、期限规则、处理流程异常、调整演示时钟"),
    ("aqbm", "安全保密管理员：授予角色和密级、解除账号锁定（三员分立，不办理业务）"),
    ("sjy", "安全审计员：查询、导出审计日志，唯一能看到另两位管理员操作记录的人"),
]
